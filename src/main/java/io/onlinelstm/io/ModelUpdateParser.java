package io.onlinelstm.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * Turns a record of the model-updates topic into a {@link ModelUpdate}, or says why not. Tolerant
 * the way a consumer of a shared topic must be: fields it does not know (from a newer trainer) are
 * ignored; a record that is not a usable update becomes a dead letter, never an exception.
 */
public final class ModelUpdateParser implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Dead letters keep at most this much of a payload; the coordinates find the rest. */
    static final int PAYLOAD_LIMIT = 16 * 1024;
    private static final String SHA256_HEX = "[0-9a-f]{64}";

    private transient ObjectMapper json;

    /** Exactly one of update and deadLetter is set. */
    public record Result(ModelUpdate update, DeadLetter deadLetter) {
        public boolean isValid() {
            return update != null;
        }
    }

    public Result parse(RawReading raw) {
        byte[] payload = raw.payload == null ? new byte[0] : raw.payload;
        if (payload.length == 0) {
            return refuse(raw, DeadLetterReason.MALFORMED_MODEL_UPDATE, "empty record (a tombstone?)");
        }
        ModelUpdate u;
        try {
            u = mapper().readValue(payload, ModelUpdate.class);
        } catch (IOException e) {
            return refuse(raw, DeadLetterReason.MALFORMED_MODEL_UPDATE, "not a model update in JSON: " + firstLine(e.getMessage()));
        }
        if (u == null) {
            return refuse(raw, DeadLetterReason.MALFORMED_MODEL_UPDATE, "empty record (a tombstone?)");
        }
        String missing = problem(u);
        if (missing != null) {
            return refuse(raw, DeadLetterReason.MALFORMED_MODEL_UPDATE, missing);
        }
        return new Result(u, null);
    }

    private static String problem(ModelUpdate u) {
        if (u.version < 1) {
            return "version must be 1 or more, got " + u.version;
        }
        if (u.checksum == null || !u.checksum.matches(SHA256_HEX)) {
            return "checksum must be the SHA-256 of the weights in lower-case hex, got " + abbreviate(u.checksum);
        }
        if (u.weights == null && (u.uri == null || u.uri.isBlank())) {
            return "neither inline weights nor a uri of the weights in the model store";
        }
        if (u.features < 1 || u.hiddenSize < 1 || u.layers < 1 || u.horizon < 1) {
            return "features, hiddenSize, layers and horizon must all be 1 or more, got " + u.features + ", "
                    + u.hiddenSize + ", " + u.layers + ", " + u.horizon;
        }
        return null;
    }

    /** A dead letter for a record of the model-updates topic (also used after parsing, by the update check). */
    public static DeadLetter deadLetter(RawReading raw, DeadLetterReason reason, String detail) {
        byte[] payload = raw.payload == null ? new byte[0] : raw.payload;
        String text = new String(payload, 0, Math.min(payload.length, PAYLOAD_LIMIT), StandardCharsets.UTF_8);
        String suffix = payload.length > PAYLOAD_LIMIT
                ? " (payload cut to its first " + PAYLOAD_LIMIT + " of " + payload.length + " bytes)" : "";
        return new DeadLetter(text, reason, detail + suffix, raw.topic, raw.partition, raw.offset);
    }

    private static Result refuse(RawReading raw, DeadLetterReason reason, String detail) {
        return new Result(null, deadLetter(raw, reason, detail));
    }

    private ObjectMapper mapper() {
        if (json == null) {
            json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        }
        return json;
    }

    private static String abbreviate(String s) {
        return s == null ? "nothing" : s.length() > 80 ? "'" + s.substring(0, 80) + "...'" : "'" + s + "'";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
