package io.onlinelstm.replay;

import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.JsonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A replay's dead letters, one JSON object per line (the format of the live job's dead-letter
 * topic), in a file beside the forecasts (parallelism 1): a refused reading of a history file is
 * kept and counted like one from Kafka. The file is written even when empty, so its absence never
 * hides a failure.
 */
final class DeadLetterFileSink implements Sink<DeadLetter> {

    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<String, AtomicLong> WRITTEN = new ConcurrentHashMap<>();

    private final String path;
    private final String run;

    DeadLetterFileSink(Path path, String run) {
        this.path = path.toAbsolutePath().toString();
        this.run = run;
        WRITTEN.put(run, new AtomicLong());
    }

    /** The dead-letter file that goes with a forecasts file: {@code forecasts.csv} -> {@code forecasts-dead-letters.jsonl}. */
    static Path beside(Path forecasts) {
        String name = forecasts.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return forecasts.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + "-dead-letters.jsonl");
    }

    static long written(String run) {
        AtomicLong n = WRITTEN.get(run);
        return n == null ? 0 : n.get();
    }

    static void forget(String run) {
        WRITTEN.remove(run);
    }

    @Override
    public SinkWriter<DeadLetter> createWriter(WriterInitContext context) throws IOException {
        Path file = Path.of(path);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file));
        AtomicLong counter = WRITTEN.computeIfAbsent(run, r -> new AtomicLong());
        return new SinkWriter<>() {
            @Override
            public void write(DeadLetter letter, Context ctx) throws IOException {
                out.write(JsonCodec.toBytes(letter));
                out.write('\n');
                counter.incrementAndGet();
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
