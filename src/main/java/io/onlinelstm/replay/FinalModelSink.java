package io.onlinelstm.replay;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Receives the model the forecaster serves when a replay's input ends and keeps it for the
 * replay that started the job (the local job runs in the same JVM), under the replay's run id.
 */
final class FinalModelSink implements Sink<byte[]> {

    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<String, byte[]> RECEIVED = new ConcurrentHashMap<>();

    private final String run;

    FinalModelSink(String run) {
        this.run = run;
    }

    /** What the forecaster handed over ({@code ModelHolder.encode} bytes), removed; null when nothing came. */
    static byte[] take(String run) {
        return RECEIVED.remove(run);
    }

    @Override
    public SinkWriter<byte[]> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(byte[] model, Context ctx) {
                RECEIVED.put(run, model);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
