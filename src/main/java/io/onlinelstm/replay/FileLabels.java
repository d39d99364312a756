package io.onlinelstm.replay;

import io.onlinelstm.anomaly.NabScorer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labelled windows of a replayed file of one series, and how its anomaly scores detect them:
 * window-level figures at the alert threshold and the file's NAB standard score.
 *
 * @param rows the windows as inclusive row ranges, in time order
 */
record FileLabels(LabelledWindows windows, String key, List<int[]> rows) {

    static FileLabels of(ReplayRunner.Settings settings, HistoryFile file) {
        if (file.series().size() != 1) {
            throw new IllegalArgumentException("--windows labels a file of one series (timestamp,value, as NAB's files);"
                    + " " + settings.file() + " has " + file.series().size() + " series " + file.series()
                    + "; replay it without --windows, or one series per file");
        }
        LabelledWindows windows = LabelledWindows.read(settings.windows());
        String key = windows.keyFor(settings.file(), settings.windowsKey());
        return new FileLabels(windows, key, windows.rows(key, file, settings.file()));
    }

    /**
     * The figures of {@code scores} (one per row) at {@code threshold}, outside NAB's probationary
     * period (the first 15 % of rows, at most 750), as {@code bench nab} counts them.
     */
    Map<String, Object> figures(double[] scores, double threshold) {
        double[] clean = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            clean[i] = Double.isNaN(scores[i]) ? 0 : scores[i];
        }
        List<NabScorer.LabelledFile> files = List.of(new NabScorer.LabelledFile(key, clean, rows));
        NabScorer.Detection d = NabScorer.detection(files, threshold);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("windows_file", windows.source().toString());
        f.put("windows_key", key);
        f.put("threshold", threshold);
        f.put("windows", d.windows());
        f.put("windows_detected", d.windowsDetected());
        f.put("false_positive_readings", d.falsePositives());
        f.put("precision", Math.round(d.precision() * 1000) / 1000.0);
        f.put("recall", Math.round(d.recall() * 1000) / 1000.0);
        f.put("f1", Math.round(d.f1() * 1000) / 1000.0);
        if (rows.isEmpty()) {
            // NAB normalises by the windows: a file without any has no score.
            f.put("nab_standard", null);
            f.put("nab_standard_threshold", null);
        } else {
            NabScorer.ProfileScore s = NabScorer.score(files, NabScorer.STANDARD);
            f.put("nab_standard", Math.round(s.score() * 100) / 100.0);
            f.put("nab_standard_threshold", s.threshold());
        }
        return f;
    }
}
