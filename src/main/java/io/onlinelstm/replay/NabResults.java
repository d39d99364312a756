package io.onlinelstm.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The Numenta Anomaly Benchmark's result format: {@code timestamp,value,anomaly_score}, one row per
 * input row, so a user can score the detector with NAB's own tools. For a file of one series.
 */
public final class NabResults {

    private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private NabResults() {}

    static void write(Path out, HistoryFile file, double[][] anomalyScores) throws IOException {
        if (file.series().size() != 1) {
            throw new IllegalArgumentException("NAB results need a file of one series; this one has " + file.series());
        }
        ReplayRunner.ensureParent(out);
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write("timestamp,value,anomaly_score");
            w.newLine();
            for (int r = 0; r < file.rows(); r++) {
                double v = file.value(0, r);
                double score = anomalyScores[0][r];
                w.write(NAB_TIME.format(Instant.ofEpochMilli(file.time(r))) + "," + (Double.isNaN(v) ? "" : v) + ","
                        + (Double.isNaN(score) ? 0.0 : Math.max(0, Math.min(1, score))));
                w.newLine();
            }
        }
    }
}
