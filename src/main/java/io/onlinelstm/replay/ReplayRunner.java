package io.onlinelstm.replay;

import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.io.RawReading;
import io.onlinelstm.job.ForecastGraph;
import io.onlinelstm.job.JobOptions;
import io.onlinelstm.job.JobConfig;
import io.onlinelstm.operator.BundlingForecastOperator;
import io.onlinelstm.operator.ForecasterSettings;
import io.onlinelstm.operator.ModelHolder;
import io.onlinelstm.training.VersionedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replay: streams a history file through the forecaster on a local Flink at parallelism 1 with
 * inline training (deterministic), writes every forecast to CSV, scores them against the file and
 * the baselines, and optionally draws a report.
 */
public final class ReplayRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayRunner.class);

    /**
     * @param job model, forecaster and training options (training runs inline whatever the mode says); the
     *     replay starts from {@code model.initial} or an explicitly given {@code model.store}, else from fresh
     *     weights, never from the per-job default store
     * @param reportSeries series drawn in the forecast-against-actual charts (empty: the first two)
     * @param reportFrom first row of those charts; -1 takes the last 500 scored rows
     * @param windows labelled anomaly windows ({@link LabelledWindows}) for a file of one series, or null
     * @param windowsKey the entry of {@code windows} that labels the file; null picks it by the file's path
     */
    public record Settings(String name, Path file, HistoryFormat format, JobConfig job, ScoreSettings score,
                           Path forecasts, Path summary, Path reportDir, List<String> reportSeries, int reportFrom,
                           int reportRows, boolean terminal, Path nabOutput, Path windows, String windowsKey) {

        /** A replay without labelled windows. */
        public Settings(String name, Path file, HistoryFormat format, JobConfig job, ScoreSettings score,
                        Path forecasts, Path summary, Path reportDir, List<String> reportSeries, int reportFrom,
                        int reportRows, boolean terminal, Path nabOutput) {
            this(name, file, format, job, score, forecasts, summary, reportDir, reportSeries, reportFrom, reportRows,
                    terminal, nabOutput, null, null);
        }
    }

    private ReplayRunner() {}

    public static Map<String, Object> run(Settings settings, PrintStream out) throws Exception {
        return run(settings, out, null);
    }

    /**
     * @param saveModel where to write the network the replay ended with (the version its forecaster
     *     served last; see {@link SavedModel}); null: nowhere
     */
    public static Map<String, Object> run(Settings settings, PrintStream out, Path saveModel) throws Exception {
        HistoryFile file = HistoryFile.read(settings.file(), settings.format());
        reportBadCells(file, out);
        if (file.rows() == 0) {
            throw new IllegalArgumentException(settings.file() + " holds no usable rows");
        }
        // Resolved before the job runs: a label that does not fit the file must not cost a replay.
        FileLabels labels = settings.windows() == null ? null : FileLabels.of(settings, file);
        ForecasterSettings forecaster = settings.job().forecaster()
                .withTraining(settings.job().training(), true)
                .withInitialModel(settings.job().replayInitialModel());
        // Bundles close on size and at the end only: a wall-clock flush would make replays differ.
        forecaster = forecaster.withoutMaxWait();

        String run = UUID.randomUUID().toString();
        Path deadLetters = DeadLetterFileSink.beside(settings.forecasts());
        long total = file.presentValues();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        // The job's own graph and parser; forecasts and dead letters go to files instead of Kafka.
        ForecastGraph.Streams streams = ForecastGraph.build(env.fromSource(new DataGeneratorSource<>(new ReplayReadings(settings.file(), settings.format()),
                                total, TypeInformation.of(RawReading.class)),
                        WatermarkStrategy.noWatermarks(), "history file").uid("history-file"),
                null,
                new ForecastGraph.Settings(forecaster, settings.job().get(JobOptions.INPUT_MAX_RECORD_BYTES)),
                new ForecastGraph.Sinks(new ForecastGraph.NamedSink<>(
                        new ForecastCsvSink(settings.forecasts(), forecaster.model().horizon(), run),
                        "forecasts csv", "forecasts-csv"), null,
                        new ForecastGraph.NamedSink<>(new DeadLetterFileSink(deadLetters, run), "dead letters file",
                                "dead-letters-file"), null, null));
        if (saveModel != null) {
            streams.forecasts().getSideOutput(BundlingForecastOperator.FINAL_MODEL)
                    .sinkTo(new FinalModelSink(run)).name("final model").uid("final-model");
        }
        long refused;
        byte[] finalModel;
        Progress progress = new Progress(out, settings.terminal(), total);
        try {
            JobClient job = env.executeAsync("replay " + settings.name());
            // The local cluster goes away with the job, so watch the result rather than the status.
            var result = job.getJobExecutionResult();
            while (!result.isDone()) {
                progress.update(ForecastCsvSink.written(run));
                Thread.sleep(settings.terminal() ? 250 : 1_000);
            }
            result.get();
            progress.update(ForecastCsvSink.written(run));
        } finally {
            refused = DeadLetterFileSink.written(run);
            finalModel = FinalModelSink.take(run);
            ForecastCsvSink.forget(run);
            DeadLetterFileSink.forget(run);
        }

        if (saveModel != null) {
            saveModel(saveModel, finalModel, forecaster, out);
        }

        long[] versionOfRow = new long[file.rows()];
        double[][] anomalyScores = new double[file.series().size()][file.rows()];
        ForecastTable forecasts = ForecastCsvSink.readForecasts(settings.forecasts(), file,
                forecaster.model().horizon(), versionOfRow, anomalyScores);
        if (settings.nabOutput() != null) {
            NabResults.write(settings.nabOutput(), settings.file(), settings.format(), file, anomalyScores);
        }
        Scorer.Result result = Scorer.score(file, forecasts, settings.score(),
                refused > 0 ? ReplayReadings.refusedCells(file, deadLetters) : null);
        Map<String, Object> summary = summary(settings, file, forecaster, result);
        summary.put("dead_letters", refused);
        double threshold = settings.job().get(JobOptions.ANOMALY_THRESHOLD);
        if (labels != null) {
            summary.put("anomaly", labels.figures(anomalyScores[0], threshold));
        }
        if (refused > 0) {
            out.printf("%,d readings refused by the job (out of order, duplicate time...): %s%n", refused, deadLetters);
        }
        ensureParent(settings.summary());
        Files.write(settings.summary(), JsonCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
        if (settings.reportDir() != null) {
            ReportWriter.write(settings, file, forecasts.firstSteps(), versionOfRow, result, summary,
                    new AnomalyChart.Marks(anomalyScores, threshold, labels == null ? null : labels.rows()));
            out.println("Report: " + settings.reportDir().resolve("index.md"));
        }
        out.println(JsonCodec.mapper().writeValueAsString(headline(summary)));
        return summary;
    }

    private static void saveModel(Path file, byte[] handedOver, ForecasterSettings forecaster, PrintStream out)
            throws IOException {
        if (handedOver == null) {
            throw new IllegalStateException("The replay ended without its forecaster handing over its model, so "
                    + file + " was not written; this is a bug, please report it with the replay's log.");
        }
        VersionedModel model = ModelHolder.decode(handedOver);
        SavedModel.write(file, model.weights(forecaster.model()), forecaster.target(), model.version());
        out.printf("Saved model version %d to %s%n", model.version(), file);
        LOG.info("Saved the network the replay ended with, version {}, to {}", model.version(), file);
    }

    private static void reportBadCells(HistoryFile file, PrintStream out) {
        List<HistoryFile.BadCell> bad = file.badCells();
        if (bad.isEmpty()) {
            return;
        }
        Map<String, Integer> perSeries = new LinkedHashMap<>();
        bad.forEach(b -> perSeries.merge(b.series(), 1, Integer::sum));
        out.printf("%,d bad cells skipped (per series: %s); the first ones:%n", bad.size(), perSeries);
        bad.stream().limit(10).forEach(b -> out.printf("  line %d, %s: '%s' (%s)%n", b.line(), b.series(), b.text(), b.reason()));
        LOG.warn("{} bad cells in the history file: {}", bad.size(), perSeries);
    }

    static Map<String, Object> summary(Settings settings, HistoryFile file, ForecasterSettings forecaster,
                                       Scorer.Result result) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("replay", settings.name());
        s.put("horizon", forecaster.model().horizon());
        s.put("rows", result.rows());
        s.put("keys", file.series().size());
        s.put("scored", result.forecasts());
        s.put("scale", settings.score().zScore() ? "zscore" : "original");
        s.put("eval_rows", List.of(settings.score().evalFrom(), Math.min(settings.score().evalTo(), file.rows())));
        putMetrics(s, result.overall());
        s.put("bad_cells", file.badCells().size());
        if (result.horizon() > 1) {
            s.put("per_step", perStep(result));
        }
        Map<String, Object> per = new LinkedHashMap<>();
        result.perSeries().forEach((series, errors) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            putMetrics(m, errors);
            per.put(series, m);
        });
        s.put("per_series", per);
        s.put("model", Map.of("hidden", forecaster.model().hiddenSize(), "layers", forecaster.model().layers(),
                "window", forecaster.window(), "target", forecaster.target().name().toLowerCase(java.util.Locale.ROOT)));
        return s;
    }

    /** Per measure and method, the figure at each step (step 1 first); the overall figures are their means. */
    private static Map<String, Object> perStep(Scorer.Result result) {
        Map<String, Object> per = new LinkedHashMap<>();
        for (String measure : List.of("mse", "mae")) {
            Map<String, Object> byMethod = new LinkedHashMap<>();
            for (String method : Scorer.METHODS) {
                List<Double> steps = new java.util.ArrayList<>();
                for (Map<String, Scorer.Errors> step : result.perStep()) {
                    Scorer.Errors e = step.get(method);
                    steps.add(round(measure.equals("mse") ? e.mse() : e.mae()));
                }
                byMethod.put(method, steps);
            }
            per.put(measure, byMethod);
        }
        return per;
    }

    private static void putMetrics(Map<String, Object> target, Map<String, Scorer.Errors> errors) {
        for (String measure : List.of("mse", "mae", "rmse")) {
            for (String method : Scorer.METHODS) {
                Scorer.Errors e = errors.get(method);
                double v = switch (measure) {
                    case "mse" -> e.mse();
                    case "mae" -> e.mae();
                    default -> e.rmse();
                };
                target.put(method.equals("model") ? measure : measure + "_" + method, round(v));
            }
        }
    }

    /** The one-line summary: everything but the per-series and per-step breakdowns. */
    static Map<String, Object> headline(Map<String, Object> summary) {
        Map<String, Object> h = new LinkedHashMap<>(summary);
        h.remove("per_series");
        h.remove("per_step");
        return h;
    }

    static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1e6) / 1e6;
    }

    static void ensureParent(Path p) throws IOException {
        if (p.toAbsolutePath().getParent() != null) {
            Files.createDirectories(p.toAbsolutePath().getParent());
        }
    }
}
