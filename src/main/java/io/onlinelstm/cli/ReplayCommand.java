package io.onlinelstm.cli;

import io.onlinelstm.job.JobConfig;
import io.onlinelstm.replay.HistoryFile;
import io.onlinelstm.replay.HistoryFormat;
import io.onlinelstm.replay.ReplayRunner;
import io.onlinelstm.replay.ScoreSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Bounded replay of a history file with inline training, scoring against baselines, and a report. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stream a CSV history file through the forecaster (inline training, deterministic), write every"
                + " forecast to CSV, score it against persistence, seasonal naive and an online linear AR, and"
                + " print one JSON summary line.")
final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The history file (CSV).")
    Path file;

    @Option(names = "--format", defaultValue = "wide",
            description = "wide (a time column, one column per series) or long (time, key, value) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--time-column", defaultValue = "", description = "Time column (default: the first column).")
    String timeColumn;

    @Option(names = "--key-column", defaultValue = "key", description = "Key column of the long format (default: ${DEFAULT-VALUE}).")
    String keyColumn;

    @Option(names = "--value-column", defaultValue = "value", description = "Value column of the long format (default: ${DEFAULT-VALUE}).")
    String valueColumn;

    @Option(names = "--time-format", defaultValue = "auto",
            description = "auto (ISO-8601, yyyy-MM-dd HH:mm:ss or epoch ms), epoch-ms, epoch-s, or a pattern such as"
                    + " dd.MM.yyyy HH:mm; times without offset are UTC (default: ${DEFAULT-VALUE}).")
    String timeFormat;

    @Option(names = "--eval-rows", description = "Scored rows FROM:TO (0-based, TO exclusive; default: all).")
    String evalRows;

    @Option(names = "--eval-times", description = "Scored times FROM..TO as in the file (alternative to --eval-rows).")
    String evalTimes;

    @Option(names = "--scale", defaultValue = "original",
            description = "original (errors in the series' units) or zscore (divided by the fit range's population"
                    + " standard deviation) (default: ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--fit-rows", description = "Rows FROM:TO whose mean and standard deviation define z-scores (default: the scored rows).")
    String fitRows;

    @Option(names = "--season", defaultValue = "24", description = "Season of the seasonal naive baseline, in rows (default: ${DEFAULT-VALUE}).")
    int season;

    @Option(names = "--ar-lags", defaultValue = "24", description = "Lags of the online linear AR baseline (default: ${DEFAULT-VALUE}).")
    int arLags;

    @Option(names = "--ar-forgetting", defaultValue = "0.999", description = "Forgetting factor of its recursive least squares (default: ${DEFAULT-VALUE}).")
    double arForgetting;

    @Option(names = "--out", description = "Folder for forecasts.csv and summary.json (default: target/replay-NAME).")
    Path outDir;

    @Option(names = "--report", paramLabel = "DIR", description = "Write PNG charts and index.md here.")
    Path reportDir;

    @Option(names = "--report-series", split = ",", description = "Series in the forecast charts (default: the first two).")
    List<String> reportSeries = new ArrayList<>();

    @Option(names = "--report-rows", defaultValue = "500", description = "Rows in the forecast charts (default: ${DEFAULT-VALUE}).")
    int reportRows;

    @Option(names = "--report-from", defaultValue = "-1", description = "First row of the forecast charts (default: the last scored rows).")
    int reportFrom;

    @Option(names = "--nab-output", paramLabel = "FILE",
            description = "Also write the Numenta Anomaly Benchmark result format (timestamp,value,anomaly_score) here.")
    Path nabOutput;

    @Option(names = "--windows", paramLabel = "FILE",
            description = "Labelled anomaly windows, as NAB's combined_windows.json, of a file of one series: the report"
                    + " shades them, the summary counts the windows detected and the false positives at the alert"
                    + " threshold and gives the file's NAB standard score.")
    Path windows;

    @Option(names = "--windows-key", paramLabel = "KEY",
            description = "Entry of --windows that labels FILE (default: the entry that ends the file's path, such as"
                    + " realKnownCause/nyc_taxi.csv, else the one with its file name).")
    String windowsKey;

    @Option(names = "--save-model", paramLabel = "FILE",
            description = "Write the network the replay ended with here: a PyTorch state_dict if FILE ends in"
                    + " .safetensors, else the model store's weights file; a job starts from it with --model.initial.")
    Path saveModel;

    @Option(names = "--name", description = "Name in the summary (default: the file name without extension).")
    String name;

    @Mixin
    JobOptionArgs jobOptions;

    @Override
    public Integer call() throws Exception {
        // Checked before the file is read: a long file must not be parsed for a typo in the options.
        OptionChecks.oneOf("--format", format.trim().toLowerCase(java.util.Locale.ROOT), List.of("wide", "long"));
        OptionChecks.oneOf("--scale", scale, List.of("original", "zscore"));
        OptionChecks.atLeast("--season", season, 1);
        OptionChecks.atLeast("--ar-lags", arLags, 1);
        if (!(arForgetting > 0 && arForgetting <= 1)) {
            throw OptionChecks.invalid("--ar-forgetting", OptionChecks.number(arForgetting), "must be a number in (0, 1]");
        }
        OptionChecks.atLeast("--report-rows", reportRows, 1);
        OptionChecks.atLeast("--report-from", reportFrom, -1);
        // Syntax only here; the ranges are resolved against the file's rows once it is read.
        rows("--eval-rows", evalRows, Integer.MAX_VALUE);
        rows("--fit-rows", fitRows, Integer.MAX_VALUE);
        if (evalTimes != null && evalTimes.split("\\.\\.").length != 2) {
            throw OptionChecks.invalid("--eval-times", "'" + evalTimes + "'", "must be FROM..TO, times as in the file");
        }
        if (windowsKey != null && windows == null) {
            throw new InvalidOptionException("--windows-key chooses an entry of a windows file; give --windows FILE too");
        }
        JobConfig job = jobOptions.config();
        HistoryFormat fmt = new HistoryFormat(HistoryFormat.Layout.parse(format), timeColumn, keyColumn, valueColumn, timeFormat);
        HistoryFile history = HistoryFile.read(file, fmt);
        int[] eval = evalTimes != null ? timeRange(history, history.format(), evalTimes) : rows("--eval-rows", evalRows, history.rows());
        int[] fit = fitRows != null ? rows("--fit-rows", fitRows, history.rows()) : eval;
        boolean zScore = switch (scale) {
            case "zscore" -> true;
            case "original" -> false;
            default -> throw new IllegalArgumentException("--scale must be original or zscore, got " + scale);
        };
        String runName = name != null ? name : file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path out = outDir != null ? outDir : Path.of("target", "replay-" + runName);
        java.nio.file.Files.createDirectories(out);
        ReplayRunner.Settings settings = new ReplayRunner.Settings(runName, file, fmt, job,
                new ScoreSettings(eval[0], eval[1], zScore, fit[0], fit[1], season, arLags, arForgetting),
                out.resolve("forecasts.csv"), out.resolve("summary.json"), reportDir, reportSeries, reportFrom, reportRows,
                System.console() != null, nabOutput, windows, windowsKey);
        ReplayRunner.run(settings, System.out, saveModel);
        return 0;
    }

    static int[] rows(String option, String range, int rows) {
        if (range == null) {
            return new int[] {0, rows};
        }
        String[] parts = range.split(":");
        try {
            if (parts.length == 2) {
                int from = Integer.parseInt(parts[0].trim());
                int to = Integer.parseInt(parts[1].trim());
                if (from >= 0 && from < to) {
                    return new int[] {from, to};
                }
            }
        } catch (NumberFormatException e) {
            // reported below, with what the option takes
        }
        throw OptionChecks.invalid(option, "'" + range + "'", "must be FROM:TO, 0-based row numbers with FROM < TO");
    }

    private static int[] timeRange(HistoryFile history, HistoryFormat fmt, String range) {
        String[] parts = range.split("\\.\\.");
        if (parts.length != 2) {
            throw new IllegalArgumentException("Time range must be FROM..TO, got '" + range + "'");
        }
        long from = fmt.parseTime(parts[0]);
        long to = fmt.parseTime(parts[1]);
        int a = 0;
        while (a < history.rows() && history.time(a) < from) {
            a++;
        }
        int b = a;
        while (b < history.rows() && history.time(b) < to) {
            b++;
        }
        return new int[] {a, b};
    }
}
