package io.onlinelstm.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary form of {@link ModelWeights}: a header (magic, format version, {@link LstmConfig}), the
 * tensors in layout order, and a SHA-256 of everything before it.
 *
 * <pre>
 * int    magic 0x4F4C5354 ("OLST")
 * int    format version (1)
 * int    features, hiddenSize, layers, horizon; float dropout; long seed
 * int    tensor count, then per tensor: UTF name, int rows, int cols, rows*cols floats (big-endian)
 * byte[32] SHA-256 of all the bytes above
 * </pre>
 */
public final class WeightsCodec {

    public static final int MAGIC = 0x4F4C5354;
    public static final int FORMAT_VERSION = 1;
    private static final int DIGEST_BYTES = 32;

    private WeightsCodec() {}

    public static byte[] encode(ModelWeights weights) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(
                (int) Math.min(Integer.MAX_VALUE - 64, weights.parameterCount() * 4 + 1024));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT_VERSION);
            LstmConfig c = weights.config();
            out.writeInt(c.features());
            out.writeInt(c.hiddenSize());
            out.writeInt(c.layers());
            out.writeInt(c.horizon());
            out.writeFloat(c.dropout());
            out.writeLong(c.seed());
            out.writeInt(weights.tensors().size());
            for (TensorSpec spec : TensorSpec.layout(c)) {
                out.writeUTF(spec.name());
                out.writeInt(spec.rows());
                out.writeInt(spec.cols());
                for (float v : weights.tensors().get(spec.name())) {
                    out.writeFloat(v);
                }
            }
            out.write(sha256(bytes.toByteArray(), bytes.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes and checks that the weights fit {@code expected}'s architecture. */
    public static ModelWeights decode(byte[] data, LstmConfig expected) {
        ModelWeights weights = decode(data);
        if (!expected.sameArchitecture(weights.config())) {
            throw new IncompatibleModelException(
                    "Model config mismatch: the weights were made for "
                            + expected.architectureDifferences(weights.config())
                            + ". Load weights trained with the same --model.features, --model.hidden-size, --model.layers and"
                            + " --model.horizon, or change those options to match the model.");
        }
        return weights;
    }

    /** Decodes, verifying the checksum before anything else. */
    public static ModelWeights decode(byte[] data) {
        if (data.length < 8 + DIGEST_BYTES) {
            throw new CorruptModelException(
                    "Model weights are corrupted: only " + data.length + " bytes, too short for a"
                            + " flink-online-lstm weights file.");
        }
        int body = data.length - DIGEST_BYTES;
        byte[] expectedDigest = Arrays.copyOfRange(data, body, data.length);
        byte[] actualDigest = sha256(data, body);
        if (!MessageDigest.isEqual(expectedDigest, actualDigest)) {
            throw new CorruptModelException(
                    "Model weights are corrupted: checksum mismatch (stored "
                            + HexFormat.of().formatHex(expectedDigest, 0, 8) + "..., computed "
                            + HexFormat.of().formatHex(actualDigest, 0, 8)
                            + "...). The file was truncated or altered; export or copy it again.");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, body))) {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new CorruptModelException(
                        "Not a flink-online-lstm weights file (magic 0x" + Integer.toHexString(magic) + ").");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new CorruptModelException(
                        "Unsupported weights format version " + version + "; this build reads version "
                                + FORMAT_VERSION + ". Use the release that wrote the file.");
            }
            LstmConfig config = LstmConfig.builder()
                    .features(in.readInt())
                    .hiddenSize(in.readInt())
                    .layers(in.readInt())
                    .horizon(in.readInt())
                    .dropout(in.readFloat())
                    .seed(in.readLong())
                    .build();
            int count = in.readInt();
            if (count != TensorSpec.layout(config).size()) {
                throw new CorruptModelException(
                        "Weights file declares " + count + " tensors; " + config + " has "
                                + TensorSpec.layout(config).size());
            }
            Map<String, float[]> tensors = new LinkedHashMap<>();
            for (int t = 0; t < count; t++) {
                String name = in.readUTF();
                int rows = in.readInt();
                int cols = in.readInt();
                long n = (long) rows * cols;
                if (rows <= 0 || cols <= 0 || n * 4 > body) {
                    throw new CorruptModelException(
                            "Tensor '" + name + "' declares an impossible shape " + rows + "x" + cols);
                }
                float[] values = new float[(int) n];
                for (int i = 0; i < values.length; i++) {
                    values[i] = in.readFloat();
                }
                tensors.put(name, values);
            }
            if (in.available() != 0) {
                throw new CorruptModelException(
                        "Weights file has " + in.available() + " unexpected trailing bytes");
            }
            return new ModelWeights(config, tensors);
        } catch (EOFException e) {
            throw new CorruptModelException("Weights file ends early: it is truncated.", e);
        } catch (IllegalArgumentException e) {
            throw new CorruptModelException("Weights file holds an invalid config: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hex SHA-256 of encoded weights (the trailer), for announcing and verifying a model version. */
    public static String checksum(byte[] encoded) {
        if (encoded.length < DIGEST_BYTES) {
            throw new CorruptModelException("Too short to hold a checksum: " + encoded.length + " bytes");
        }
        return HexFormat.of().formatHex(encoded, encoded.length - DIGEST_BYTES, encoded.length);
    }

    private static byte[] sha256(byte[] data, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(data, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
