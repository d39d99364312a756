package io.onlinelstm.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a {@link Forecast} as the same bytes {@link JsonCodec#toBytes} writes (fields in
 * declaration order, nulls included, the fast double writer), field by field on Jackson's stream
 * writer. One forecast leaves the job per reading; the bean serializer's reflective walk over the
 * record was part of the forecaster's time in the bench latency profile. Not thread-safe: one
 * instance per sink writer.
 *
 * <p>One generator serves every forecast, flushed after each: creating one per forecast cost a
 * buffer-recycler thread-local lookup and a context each time (3 % of the forecasters' samples). The
 * generator writes no separator between its root values, so each forecast's bytes stand alone; after
 * a failure mid-record it is dropped, so no half-written context reaches the next forecast.
 */
final class ForecastJson {

    private final JsonFactory factory = JsonCodec.mapper().getFactory();
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(512);
    private JsonGenerator generator;

    byte[] toBytes(Forecast f) {
        buffer.reset();
        try {
            if (generator == null) {
                generator = factory.createGenerator(buffer, JsonEncoding.UTF8);
                generator.setRootValueSeparator(null);
            }
            write(generator, f);
            generator.flush();
        } catch (IOException e) {
            generator = null;
            throw new UncheckedIOException("Cannot write a forecast as JSON", e);
        } catch (RuntimeException e) {
            generator = null;
            throw e;
        }
        return buffer.toByteArray();
    }

    private static void write(JsonGenerator g, Forecast f) throws IOException {
        g.writeStartObject();
        g.writeStringField("key", f.key);
        g.writeNumberField("ts", f.ts);
        g.writeNumberField("value", f.value);
        g.writeFieldName("forecast");
        if (f.forecast == null) {
            g.writeNull();
        } else {
            g.writeStartArray(f.forecast, f.forecast.length);
            for (float v : f.forecast) {
                g.writeNumber(v);
            }
            g.writeEndArray();
        }
        g.writeFieldName("weights");
        if (f.weights == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            g.writeNumberField("lstm", f.weights.lstm);
            g.writeNumberField("ar", f.weights.ar);
            g.writeNumberField("persistence", f.weights.persistence);
            g.writeEndObject();
        }
        writeNullable(g, "lower", f.lower);
        writeNullable(g, "upper", f.upper);
        g.writeNumberField("modelVersion", f.modelVersion);
        writeNullable(g, "error", f.error);
        writeNullable(g, "persistenceError", f.persistenceError);
        g.writeNumberField("latencyMs", f.latencyMs);
        g.writeNumberField("anomalyScore", f.anomalyScore);
        g.writeEndObject();
    }

    private static void writeNullable(JsonGenerator g, String name, Double value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value.doubleValue());
        }
    }
}
