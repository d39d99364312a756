package io.onlinelstm.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The common case of {@link ReadingParser} without building a JSON tree: a flat object of exactly
 * {@code key} (a string), {@code ts} (an integer of the long range) and {@code value} (a number),
 * each once, in any order, and nothing after it. Whatever else a record holds (features, extra
 * fields, ISO timestamps, a malformed or refused record) gets {@code null}, and the tree parser
 * decides: every reading this class returns is the one the tree parser returns for the same bytes,
 * so the two can never disagree on what is accepted or why something is refused. Parsing every
 * record into a tree cost a few allocations per field on the job's busiest path.
 */
final class PlainReadingParser {

    private PlainReadingParser() {}

    /** @return the reading, or null when the record is not the plain shape (the tree parser decides) */
    static Reading parse(JsonFactory factory, byte[] payload, RawReading raw) {
        try (JsonParser p = factory.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String key = null;
            long ts = 0;
            boolean hasTs = false;
            double value = Double.NaN;
            boolean hasValue = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "key" -> {
                        if (key != null || v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        key = p.getText();
                        if (key.isBlank()) {
                            return null;
                        }
                    }
                    case "ts" -> {
                        if (hasTs || v != JsonToken.VALUE_NUMBER_INT || !fitsLong(p)) {
                            return null;
                        }
                        ts = p.getLongValue();
                        hasTs = true;
                    }
                    case "value" -> {
                        if (hasValue) {
                            return null;
                        }
                        if (v == JsonToken.VALUE_NUMBER_INT && fitsLong(p)) {
                            value = p.getLongValue();
                        } else if (v == JsonToken.VALUE_NUMBER_FLOAT) {
                            value = p.getDoubleValue();
                        } else {
                            return null;
                        }
                        if (!Double.isFinite(value) || !Double.isFinite((float) value)) {
                            return null;
                        }
                        hasValue = true;
                    }
                    default -> {
                        return null;
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || key == null || !hasTs || !hasValue || p.nextToken() != null) {
                return null;
            }
            Reading r = new Reading(key, ts, value, null, raw.arrivalMillis);
            r.topic = raw.topic;
            r.partition = raw.partition;
            r.offset = raw.offset;
            return r;
        } catch (IOException | RuntimeException e) {
            // Malformed, a duplicate field, too deep: the tree parser says precisely what.
            return null;
        }
    }

    private static boolean fitsLong(JsonParser p) throws IOException {
        JsonParser.NumberType type = p.getNumberType();
        return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
    }
}
