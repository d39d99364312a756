package io.onlinelstm.bench;

import io.onlinelstm.anomaly.CalmSeriesCheck;
import io.onlinelstm.anomaly.NabScorer;
import io.onlinelstm.job.JobConfig;
import io.onlinelstm.replay.HistoryFile;
import io.onlinelstm.replay.HistoryFormat;
import io.onlinelstm.replay.LabelledWindows;
import io.onlinelstm.replay.ReplayRunner;
import io.onlinelstm.replay.ScoreSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Replays every file of a NAB-style folder ({@code data/<category>/<file>.csv} with
 * {@code timestamp,value}, and labelled windows: {@code windows.json} beside {@code data}, or
 * {@code labels/combined_windows.json} in a NAB checkout) through the forecaster, writes NAB result
 * files, and scores them with {@link NabScorer}.
 */
public final class NabBenchmark {

    private NabBenchmark() {}

    /**
     * The labelled windows of {@code folder}: {@code given} when set, else {@code folder/windows.json},
     * else {@code folder/labels/combined_windows.json}.
     */
    public static Path windowsFile(Path folder, Path given) {
        if (given != null) {
            return given;
        }
        List<Path> tried = List.of(folder.resolve("windows.json"), folder.resolve("labels").resolve("combined_windows.json"));
        for (Path p : tried) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException("No labelled windows in " + folder + ": tried " + tried.get(0) + " and "
                + tried.get(1) + "; give the windows file with --windows FILE (NAB's labels/combined_windows.json format)");
    }

    public static Map<String, Object> run(Path folder, Path windowsFile, JobConfig job, double threshold, Path out,
                                          PrintStream log) throws Exception {
        Path data = folder.resolve("data");
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException(folder + " has no data folder; bench nab takes a NAB-style folder with"
                    + " data/<category>/<file>.csv (timestamp,value), as a NAB checkout or ../shared/data/nab-dev");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(data)) {
            files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(data + " holds no .csv file; bench nab replays data/<category>/<file>.csv");
        }
        LabelledWindows windows = LabelledWindows.read(windowsFile);
        log.printf("nab: %d files, windows from %s%n", files.size(), windowsFile);
        HistoryFormat format = new HistoryFormat(HistoryFormat.Layout.WIDE, "timestamp", "key", "value", "auto");
        // Every file's labels are checked before the first replay: a bad label must not cost a long run.
        List<List<int[]>> labelled = new ArrayList<>();
        for (Path file : files) {
            labelled.add(windows.rows(relative(data, file), HistoryFile.read(file, format), file));
        }
        List<NabScorer.LabelledFile> scored = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String relative = relative(data, file);
            HistoryFile history = HistoryFile.read(file, format);
            Path result = out.resolve("results").resolve(relative);
            long start = System.nanoTime();
            ReplayRunner.run(new ReplayRunner.Settings(relative, file, format, job,
                    new ScoreSettings(1, history.rows(), false, 0, history.rows(), 24, 24, 0.999),
                    out.resolve("forecasts").resolve(relative), out.resolve("summaries").resolve(relative + ".json"),
                    null, List.of(), -1, 500, false, result), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            double[] scores = readScores(result, history);
            scored.add(new NabScorer.LabelledFile(relative, scores, labelled.get(i)));
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
        if (job.anomaly() != null) {
            // Alert volume where nothing is wrong: 20 calm synthetic series of 10,000 readings each.
            r.put("calm_false_alerts_per_10k",
                    Math.round(CalmSeriesCheck.falseAlertsPer10k(job.anomaly(), 20, 10_000, 1) * 100) / 100.0);
            // Its cost: to set against the forecaster's CPU per event (bench pipeline's cpu_us_per_event).
            r.put("detector_us_per_reading",
                    Math.round(CalmSeriesCheck.microsPerReading(job.anomaly(), 20, 10_000, 2) * 1000) / 1000.0);
        }
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

    /** The file's path under data/, as NAB's labels name it. */
    private static String relative(Path data, Path file) {
        return data.relativize(file).toString().replace('\\', '/');
    }
}
