package io.onlinelstm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.anomaly.NabScorer;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.job.JobConfig;
import io.onlinelstm.replay.HistoryFile;
import io.onlinelstm.replay.HistoryFormat;
import io.onlinelstm.replay.ReplayRunner;
import io.onlinelstm.replay.ScoreSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Replays every file of a NAB-style folder ({@code data/<category>/<file>.csv} with
 * {@code timestamp,value}, and {@code windows.json}) through the forecaster, writes NAB result
 * files, and scores them with {@link NabScorer}.
 */
public final class NabBenchmark {

    private static final DateTimeFormatter LABEL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

    private NabBenchmark() {}

    public static Map<String, Object> run(Path folder, Path windowsFile, JobConfig job, double threshold, Path out,
                                          PrintStream log) throws Exception {
        JsonNode windows = JsonCodec.mapper().readTree(Files.readAllBytes(windowsFile));
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder.resolve("data"))) {
            files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        HistoryFormat format = new HistoryFormat(HistoryFormat.Layout.WIDE, "timestamp", "key", "value", "auto");
        List<NabScorer.LabelledFile> scored = new ArrayList<>();
        for (Path file : files) {
            String relative = folder.resolve("data").relativize(file).toString().replace('\\', '/');
            HistoryFile history = HistoryFile.read(file, format);
            Path result = out.resolve("results").resolve(relative);
            long start = System.nanoTime();
            ReplayRunner.run(new ReplayRunner.Settings(relative, file, format, job,
                    new ScoreSettings(1, history.rows(), false, 0, history.rows(), 24, 24, 0.999),
                    out.resolve("forecasts").resolve(relative), out.resolve("summaries").resolve(relative + ".json"),
                    null, List.of(), -1, 500, false, result), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            double[] scores = readScores(result, history);
            scored.add(new NabScorer.LabelledFile(relative, scores, windows(windows.get(relative), history, relative)));
            log.printf("nab: %s (%,d rows) in %.1f s%n", relative, history.rows(), (System.nanoTime() - start) / 1e9);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("nab", folder.getFileName().toString());
        Map<String, Object> thresholds = new LinkedHashMap<>();
        for (NabScorer.Profile profile : NabScorer.PROFILES) {
            NabScorer.ProfileScore s = NabScorer.score(scored, profile);
            r.put(profile.name(), Math.round(s.score() * 100) / 100.0);
            thresholds.put(profile.name(), s.threshold());
        }
        r.put("files", scored.size());
        r.put("windows", scored.stream().mapToInt(f -> f.windows().size()).sum());
        r.put("best_thresholds", thresholds);
        NabScorer.Detection d = NabScorer.detection(scored, threshold);
        r.put("threshold", threshold);
        r.put("precision", Math.round(d.precision() * 1000) / 1000.0);
        r.put("recall", Math.round(d.recall() * 1000) / 1000.0);
        r.put("f1", Math.round(d.f1() * 1000) / 1000.0);
        r.put("false_positives", d.falsePositives());
        return r;
    }

    /** Scores per row of the history, from the result file (which has one line per input line). */
    private static double[] readScores(Path result, HistoryFile history) throws IOException {
        double[] scores = new double[history.rows()];
        List<String> lines = Files.readAllLines(result);
        HistoryFormat format = history.format();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            try {
                int row = history.rowOf(format.parseTime(line.substring(0, line.indexOf(','))));
                if (row >= 0) {
                    scores[row] = Math.max(scores[row], Double.parseDouble(line.substring(line.lastIndexOf(',') + 1)));
                }
            } catch (RuntimeException e) {
                // a line the replay skipped: no row to score
            }
        }
        return scores;
    }

    private static List<int[]> windows(JsonNode list, HistoryFile history, String file) {
        List<int[]> out = new ArrayList<>();
        if (list == null) {
            throw new IllegalArgumentException("windows.json has no entry for " + file);
        }
        Iterator<JsonNode> it = list.elements();
        while (it.hasNext()) {
            JsonNode w = it.next();
            out.add(new int[] {row(history, w.get(0).asText(), file), row(history, w.get(1).asText(), file)});
        }
        return out;
    }

    private static int row(HistoryFile history, String text, String file) {
        long ts = LocalDateTime.parse(text, LABEL_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        int row = history.rowOf(ts);
        if (row < 0) {
            throw new IllegalArgumentException("Window limit " + text + " is not a timestamp of " + file);
        }
        return row;
    }
}
