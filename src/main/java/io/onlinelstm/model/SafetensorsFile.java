package io.onlinelstm.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors container, as its specification (huggingface/safetensors) defines it, and
 * nothing about what the tensors mean: an unsigned 64-bit little-endian header length N, N bytes
 * of UTF-8 JSON ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 * "__metadata__": {"key": "value"}}}), then the tensors' little-endian bytes, offsets counted from
 * the end of the header.
 *
 * <p>Parsing checks the container only (header, offsets, sizes); which tensors must be there is
 * {@link SafetensorsWeights}' business.
 */
public final class SafetensorsFile {

    /** The header key that holds the string-to-string metadata. */
    public static final String METADATA_KEY = "__metadata__";
    /** Headers beyond this are refused rather than read: the reference implementation's own limit. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor: its dtype as the specification spells it (F32, F64, I64...), shape, and raw bytes. */
    public record Tensor(String dtype, long[] shape, byte[] data) {

        /** A float32 tensor of {@code values}, which must hold the shape's element count. */
        public static Tensor f32(long[] shape, float[] values) {
            if (elements(shape) != values.length) {
                throw new IllegalArgumentException("Shape " + Arrays.toString(shape) + " holds " + elements(shape)
                        + " values, got " + values.length);
            }
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor("F32", shape.clone(), b.array());
        }

        /** The values of an F32 tensor. */
        public float[] floats() {
            if (!"F32".equals(dtype)) {
                throw new IllegalStateException("Tensor is " + dtype + ", not F32");
            }
            float[] values = new float[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }

        static long elements(long[] shape) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    /** Tensors in the order they are written; metadata may be empty. */
    public SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        if (this.tensors.containsKey(METADATA_KEY)) {
            throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved for the metadata, not a tensor name");
        }
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The file's bytes: tensors in map order, header padded with spaces to 8 bytes as the reference writer does. */
    public byte[] toBytes() {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype());
            var shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + t.data().length);
            offset += t.data().length;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A header of strings and numbers always serialises", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        tensors.values().forEach(t -> out.put(t.data()));
        return out.array();
    }

    /** Whether {@code bytes} start like a safetensors file (a plausible length, then a JSON object). */
    public static boolean looksLike(byte[] bytes) {
        if (bytes.length < 10) {
            return false;
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return n >= 2 && n <= bytes.length - 8 && bytes[8] == '{';
    }

    /**
     * Parses a file.
     *
     * @throws CorruptModelException when the bytes are not a well-formed safetensors file
     */
    public static SafetensorsFile parse(byte[] bytes) {
        if (bytes.length < 8) {
            throw corrupt("only " + bytes.length + " bytes, too short to hold the 8-byte header length");
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > MAX_HEADER_BYTES || n > bytes.length - 8) {
            throw corrupt("the header length " + Long.toUnsignedString(n) + " does not fit the file's " + bytes.length
                    + " bytes");
        }
        int dataStart = 8 + (int) n;
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8).stripTrailing());
        } catch (JsonProcessingException e) {
            throw corrupt("the header is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw corrupt("the header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long dataBytes = bytes.length - dataStart;
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                if (!e.getValue().isObject()) {
                    throw corrupt("'" + METADATA_KEY + "' must be an object of strings");
                }
                e.getValue().fields().forEachRemaining(m -> {
                    if (!m.getValue().isTextual()) {
                        throw corrupt("metadata value '" + m.getKey() + "' is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().asText());
                });
                continue;
            }
            tensors.put(e.getKey(), tensor(e.getKey(), e.getValue(), bytes, dataStart, dataBytes));
        }
        return new SafetensorsFile(tensors, metadata);
    }

    private static Tensor tensor(String name, JsonNode entry, byte[] bytes, int dataStart, long dataBytes) {
        JsonNode dtype = entry.get("dtype");
        JsonNode shape = entry.get("shape");
        JsonNode offsets = entry.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw corrupt("tensor '" + name + "' needs a dtype string, a shape array and two data_offsets");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
                throw corrupt("tensor '" + name + "' has an invalid shape " + shape);
            }
            dims[i] = shape.get(i).asLong();
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataBytes) {
            throw corrupt("tensor '" + name + "' has data_offsets " + offsets + " outside the " + dataBytes
                    + " data bytes");
        }
        int width = width(dtype.asText());
        if (width > 0 && Tensor.elements(dims) * width != end - begin) {
            throw corrupt("tensor '" + name + "' of shape " + shape + " and dtype " + dtype.asText() + " needs "
                    + Tensor.elements(dims) * width + " bytes, its data_offsets give " + (end - begin));
        }
        return new Tensor(dtype.asText(), dims,
                Arrays.copyOfRange(bytes, dataStart + (int) begin, dataStart + (int) end));
    }

    /** Bytes per element of the specification's dtypes; 0 for one this reader does not know. */
    private static int width(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> 0;
        };
    }

    private static CorruptModelException corrupt(String why) {
        return new CorruptModelException("Not a valid safetensors file: " + why
                + ". Write it with safetensors.torch.save_file or this project's replay --save-model.");
    }
}
