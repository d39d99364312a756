package io.onlinelstm.replay;

import io.onlinelstm.io.Forecast;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes every forecast of a replay to a CSV file (parallelism 1): key, ts, value, the forecast's
 * horizon values and the model version. Counts what it wrote, for the progress bar.
 */
final class ForecastCsvSink implements Sink<Forecast> {

    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<String, AtomicLong> PROGRESS = new ConcurrentHashMap<>();

    private final String path;
    private final int horizon;
    private final String run;

    ForecastCsvSink(Path path, int horizon, String run) {
        this.path = path.toAbsolutePath().toString();
        this.horizon = horizon;
        this.run = run;
        PROGRESS.put(run, new AtomicLong());
    }

    static long written(String run) {
        AtomicLong n = PROGRESS.get(run);
        return n == null ? 0 : n.get();
    }

    static void forget(String run) {
        PROGRESS.remove(run);
    }

    static String header(int horizon) {
        StringBuilder sb = new StringBuilder("key,ts,value");
        for (int k = 1; k <= horizon; k++) {
            sb.append(",forecast_").append(k);
        }
        return sb.append(",model_version,anomaly_score").toString();
    }

    @Override
    public SinkWriter<Forecast> createWriter(WriterInitContext context) throws IOException {
        Path file = Path.of(path);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write(header(horizon));
        out.newLine();
        AtomicLong counter = PROGRESS.computeIfAbsent(run, r -> new AtomicLong());
        return new SinkWriter<>() {
            @Override
            public void write(Forecast f, Context ctx) throws IOException {
                StringBuilder sb = new StringBuilder(64);
                sb.append(csv(f.key)).append(',').append(f.ts).append(',').append(f.value);
                for (float v : f.forecast) {
                    sb.append(',').append(v);
                }
                sb.append(',').append(f.modelVersion).append(',').append(f.anomalyScore);
                out.write(sb.toString());
                out.newLine();
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

    static String csv(String s) {
        return s.indexOf(',') >= 0 || s.indexOf('"') >= 0 ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /**
     * Reads a forecasts file back: per series and row, the forecast's {@code horizon} values, and the
     * version per row.
     */
    static ForecastTable readForecasts(Path csv, HistoryFile file, int horizon, long[] versionOfRow,
                                       double[][] anomalyScores) {
        ForecastTable forecasts = new ForecastTable(file.series().size(), file.rows(), horizon);
        java.util.Map<String, Integer> seriesIndex = new java.util.HashMap<>();
        for (int s = 0; s < file.series().size(); s++) {
            seriesIndex.put(file.series().get(s), s);
        }
        try (var lines = Files.lines(csv, StandardCharsets.UTF_8)) {
            var it = lines.iterator();
            String header = it.hasNext() ? it.next() : "";
            if (!header.equals(header(horizon))) {
                throw new IllegalStateException(csv + " does not hold forecasts of horizon " + horizon
                        + " (its header is '" + header + "'); it was written by another run: replay again.");
            }
            while (it.hasNext()) {
                java.util.List<String> cells = HistoryFile.split(it.next());
                int s = seriesIndex.get(cells.get(0));
                int row = file.rowOf(Long.parseLong(cells.get(1)));
                for (int k = 1; k <= horizon; k++) {
                    forecasts.set(s, row, k, Double.parseDouble(cells.get(2 + k)));
                }
                versionOfRow[row] = Math.max(versionOfRow[row], Long.parseLong(cells.get(cells.size() - 2)));
                anomalyScores[s][row] = Double.parseDouble(cells.get(cells.size() - 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the forecasts back from " + csv, e);
        }
        return forecasts;
    }
}
