package io.onlinelstm.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Turns input bytes into a {@link Reading}, or says precisely why not. Accepts
 * {@code {"key":"sensor-17","ts":1732680000123,"value":21.4}} with ts in epoch milliseconds (a
 * number or a numeric string) or ISO-8601 with an offset, and an optional {@code features} array
 * of the model's extra inputs.
 */
public final class ReadingParser implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int modelInputs;
    private final int maxRecordBytes;
    private transient ObjectMapper json;

    /**
     * @param modelInputs inputs per event the model takes (1 = value only)
     * @param maxRecordBytes larger payloads are refused unparsed
     */
    public ReadingParser(int modelInputs, int maxRecordBytes) {
        this.modelInputs = modelInputs;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The outcome of parsing one record: exactly one of reading and deadLetter is set. */
    public record Result(Reading reading, DeadLetter deadLetter) {
        public boolean isValid() {
            return reading != null;
        }
    }

    public Result parse(RawReading raw) {
        byte[] payload = raw.payload == null ? new byte[0] : raw.payload;
        if (payload.length > maxRecordBytes) {
            // Keep only a prefix of an oversized payload: the dead-letter record must stay small.
            String prefix = new String(payload, 0, Math.min(payload.length, 1024), StandardCharsets.UTF_8);
            return refuse(raw, prefix, DeadLetterReason.TOO_LARGE,
                    payload.length + " bytes exceed the limit of " + maxRecordBytes + " (input.max-record-bytes)");
        }
        if (modelInputs == 1) {
            Reading plain = PlainReadingParser.parse(mapper().getFactory(), payload, raw);
            if (plain != null) {
                return new Result(plain, null);
            }
        }
        return parseTree(raw, payload);
    }

    /** The full parser: every shape the class comment names, and the reason for every refusal. */
    Result parseTree(RawReading raw, byte[] payload) {
        JsonNode root;
        try {
            root = mapper().readTree(payload);
        } catch (IOException e) {
            return refuse(raw, payload, DeadLetterReason.MALFORMED_JSON, firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return refuse(raw, payload, DeadLetterReason.MALFORMED_JSON, "expected a JSON object");
        }
        JsonNode keyNode = root.get("key");
        if (keyNode == null || keyNode.isNull() || !keyNode.isValueNode() || keyNode.asText().isBlank()) {
            return refuse(raw, payload, DeadLetterReason.MISSING_KEY, "key is missing or blank");
        }
        JsonNode tsNode = root.get("ts");
        if (tsNode == null || tsNode.isNull()) {
            return refuse(raw, payload, DeadLetterReason.MISSING_TS, "ts is missing");
        }
        long ts;
        try {
            ts = parseTimestamp(tsNode);
        } catch (IllegalArgumentException e) {
            return refuse(raw, payload, DeadLetterReason.INVALID_TS, e.getMessage());
        }
        JsonNode valueNode = root.get("value");
        if (valueNode == null || !valueNode.isNumber()) {
            return refuse(raw, payload, DeadLetterReason.INVALID_VALUE, "value is missing or not a number");
        }
        double value = valueNode.doubleValue();
        if (!Double.isFinite(value) || !Double.isFinite((float) value)) {
            return refuse(raw, payload, DeadLetterReason.INVALID_VALUE, "value " + valueNode.asText() + " is not finite");
        }
        float[] features = null;
        JsonNode featuresNode = root.get("features");
        int extra = modelInputs - 1;
        if (featuresNode != null && !featuresNode.isNull()) {
            if (!featuresNode.isArray() || featuresNode.size() != extra) {
                return refuse(raw, payload, DeadLetterReason.WRONG_FEATURE_COUNT,
                        "features must be an array of " + extra + " number(s) (the model takes " + modelInputs
                                + " inputs: value plus features), got "
                                + (featuresNode.isArray() ? featuresNode.size() + " entries" : featuresNode.getNodeType()));
            }
            if (extra > 0) {
                features = new float[extra];
                for (int i = 0; i < extra; i++) {
                    JsonNode f = featuresNode.get(i);
                    if (!f.isNumber() || !Float.isFinite(f.floatValue())) {
                        return refuse(raw, payload, DeadLetterReason.WRONG_FEATURE_COUNT,
                                "features[" + i + "] is not a finite number");
                    }
                    features[i] = f.floatValue();
                }
            }
        } else if (extra > 0) {
            return refuse(raw, payload, DeadLetterReason.WRONG_FEATURE_COUNT,
                    "features is missing: the model takes " + modelInputs + " inputs (value plus " + extra + " features)");
        }
        Reading r = new Reading(keyNode.asText(), ts, value, features, raw.arrivalMillis);
        r.topic = raw.topic;
        r.partition = raw.partition;
        r.offset = raw.offset;
        return new Result(r, null);
    }

    static long parseTimestamp(JsonNode node) {
        if (node.isIntegralNumber()) {
            // longValue() would silently wrap a number beyond the long range.
            if (!node.canConvertToLong()) {
                throw new IllegalArgumentException("ts " + node.asText() + " is beyond the range of epoch milliseconds");
            }
            return node.longValue();
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9e15) {
                return (long) d;
            }
            throw new IllegalArgumentException("ts " + node.asText() + " is not a whole number of epoch milliseconds");
        }
        if (node.isTextual()) {
            String s = node.asText().trim();
            if (!s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 19) {
                return Long.parseLong(s);
            }
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("ts '" + s + "' is beyond the range of epoch milliseconds");
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(s).toInstant().toEpochMilli();
                } catch (ArithmeticException e2) {
                    throw new IllegalArgumentException("ts '" + s + "' is beyond the range of epoch milliseconds");
                } catch (DateTimeParseException e2) {
                    throw new IllegalArgumentException(
                            "ts '" + s + "' is neither epoch milliseconds nor ISO-8601 with an offset"
                                    + " (for example 2024-11-27T04:00:00Z)");
                }
            }
        }
        throw new IllegalArgumentException("ts must be a number or a string, got " + node.getNodeType());
    }

    /** The payload is decoded to text only here: valid records, the common case, never need it as a string. */
    private static Result refuse(RawReading raw, byte[] payload, DeadLetterReason reason, String detail) {
        return refuse(raw, new String(payload, StandardCharsets.UTF_8), reason, detail);
    }

    private static Result refuse(RawReading raw, String payload, DeadLetterReason reason, String detail) {
        return new Result(null, new DeadLetter(payload, reason, detail, raw.topic, raw.partition, raw.offset));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable JSON";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private ObjectMapper mapper() {
        if (json == null) {
            JsonMapper m = JsonMapper.builder().build();
            m.getFactory().setStreamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(64).build());
            m.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            json = m;
        }
        return json;
    }
}
