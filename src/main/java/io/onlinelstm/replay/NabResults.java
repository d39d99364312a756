package io.onlinelstm.replay;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Numenta Anomaly Benchmark's result format: {@code timestamp,value,anomaly_score}, one row per
 * input row (timestamps and values copied from the input as written), so a user can score the
 * detector with NAB's own tools. Rows the replay skipped (a time not after the previous row's, an
 * unparseable cell) get score 0. For a file of one series.
 */
public final class NabResults {

    private NabResults() {}

    static void write(Path out, Path input, HistoryFormat format, HistoryFile file, double[][] anomalyScores)
            throws IOException {
        if (file.series().size() != 1) {
            throw new IllegalArgumentException("NAB results need a file of one series; this one has " + file.series());
        }
        ReplayRunner.ensureParent(out);
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            List<String> header = HistoryFile.split(in.readLine());
            int timeColumn = format.timeColumnIndex(header, input);
            int valueColumn = timeColumn == 0 ? 1 : 0;
            w.write("timestamp,value,anomaly_score");
            w.newLine();
            int previousRow = -1;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> cells = HistoryFile.split(line);
                double score = 0;
                try {
                    int row = file.rowOf(file.format().parseTime(cells.get(timeColumn)));
                    // A repeated time maps to the row of its first occurrence: score only that one.
                    if (row > previousRow) {
                        score = anomalyScores[0][row];
                        previousRow = row;
                    }
                } catch (RuntimeException e) {
                    score = 0;
                }
                String value = valueColumn < cells.size() ? cells.get(valueColumn).trim() : "";
                w.write(cells.get(timeColumn).trim() + "," + value + ","
                        + (Double.isNaN(score) ? 0.0 : Math.max(0, Math.min(1, score))));
                w.newLine();
            }
        }
    }
}
