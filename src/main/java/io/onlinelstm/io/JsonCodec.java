package io.onlinelstm.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Jackson writers for the job's output records. One shared, thread-safe mapper. */
public final class JsonCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            // Every forecast carries several doubles: the JDK's Double.toString was a tenth of the
            // forecaster's own time in a bench latency profile; Schubfach writes the same values faster.
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private JsonCodec() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] toBytes(Object record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + record.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A reading as parsed, written back as JSON (for dead letters refused after parsing). */
    public static String readingPayload(Reading r) {
        com.fasterxml.jackson.databind.node.ObjectNode node = MAPPER.createObjectNode();
        node.put("key", r.key);
        node.put("ts", r.ts);
        node.put("value", r.value);
        if (r.features != null) {
            com.fasterxml.jackson.databind.node.ArrayNode features = node.putArray("features");
            for (float f : r.features) {
                features.add(f);
            }
        }
        return node.toString();
    }

    public static <T> T fromBytes(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
