package io.onlinelstm.anomaly;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.operator.CombineSettings;
import io.onlinelstm.operator.CombineStage;
import io.onlinelstm.replay.HistoryFile;
import io.onlinelstm.replay.HistoryFormat;
import io.onlinelstm.state.AnomalyState;
import io.onlinelstm.state.CombineState;
import io.onlinelstm.state.StepState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fast bench for the detector's design (not a test, not the product's figure): replays a NAB
 * folder through the step state's normaliser and the combine stage with an untrained network
 * (which forecasts persistence, as the job's version 0 does), runs {@link AnomalyDetector} on the
 * chosen residual and prints the NAB scores in seconds. The product's figure is {@code bench nab},
 * which runs the real forecaster.
 *
 * <pre>java -cp 'target/test-classes:target/classes:target/lib/*' -Dresidual=combined \
 *     io.onlinelstm.anomaly.DetectorLab ../shared/data/nab-dev</pre>
 *
 * <p>{@code -Dverbose=true} prints each file's windows (highest score, first detection at {@code -Dat}
 * and its part); with {@code -DshowFp=true} also each false positive at {@code -Dat} (row, part, score).</p>
 */
public final class DetectorLab {

    private static final DateTimeFormatter LABEL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        String residual = System.getProperty("residual", "combined");
        AnomalySettings defaults = AnomalySettings.defaults();
        int warmup = Integer.getInteger("warmup", defaults.warmup());
        int shortWindow = Integer.getInteger("short", defaults.shortWindow());
        int longWindow = Integer.getInteger("long", defaults.longWindow());
        double tolerance = Double.parseDouble(System.getProperty("tolerance", String.valueOf(defaults.rangeTolerance())));
        double threshold = Double.parseDouble(System.getProperty("threshold", String.valueOf(defaults.threshold())));
        boolean verbose = Boolean.getBoolean("verbose");
        java.util.Set<AnomalyDetector.Part> parts = java.util.EnumSet.noneOf(AnomalyDetector.Part.class);
        for (String p : System.getProperty("parts", "residual,spike,season,range,flat").split(",")) {
            parts.add(AnomalyDetector.Part.valueOf(p.trim().toUpperCase(java.util.Locale.ROOT)));
        }
        JsonNode windows = JsonCodec.mapper().readTree(Files.readAllBytes(folder.resolve("windows.json")));
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder.resolve("data"))) {
            files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        HistoryFormat format = new HistoryFormat(HistoryFormat.Layout.WIDE, "timestamp", "key", "value", "auto");
        List<NabScorer.LabelledFile> scored = new ArrayList<>();
        for (Path file : files) {
            String relative = folder.resolve("data").relativize(file).toString();
            HistoryFile history = HistoryFile.read(file, format);
            double[] values = new double[history.rows()];
            long[] times = new long[history.rows()];
            for (int r = 0; r < values.length; r++) {
                values[r] = history.value(0, r);
                times[r] = history.time(r);
            }
            double[] scores = run(times, values, residual, new AnomalyDetector(new AnomalySettings(threshold, warmup, longWindow,
                    shortWindow, java.time.Duration.ZERO, true, tolerance, parts)));
            List<int[]> w = new ArrayList<>();
            for (JsonNode pair : windows.get(relative)) {
                w.add(new int[] {row(history, pair.get(0).asText()), row(history, pair.get(1).asText())});
            }
            NabScorer.LabelledFile lf = new NabScorer.LabelledFile(relative, scores, w);
            scored.add(lf);
            if (verbose) {
                double thr = Double.parseDouble(System.getProperty("at", "0.9"));
                StringBuilder detail = new StringBuilder();
                int probation = (int) Math.min(Math.floor(0.15 * scores.length), 750);
                boolean[] inside = new boolean[scores.length];
                for (int[] win : w) {
                    int first = -1;
                    double max = 0;
                    int argMax = win[0];
                    for (int i = win[0]; i <= win[1]; i++) {
                        inside[i] = true;
                        if (scores[i] > max) {
                            max = scores[i];
                            argMax = i;
                        }
                        if (first < 0 && i >= probation && scores[i] >= thr) {
                            first = i;
                        }
                    }
                    detail.append(String.format(" [%d-%d max %.3f:%s first %s]", win[0], win[1], max, lastParts[argMax].label(),
                            first < 0 ? "-" : String.format("%.0f%%:%s", 100.0 * (first - win[0]) / (win[1] - win[0] + 1), lastParts[first].label())));
                }
                int fp = 0;
                StringBuilder fps = new StringBuilder();
                for (int i = probation; i < scores.length; i++) {
                    if (!inside[i] && scores[i] >= thr) {
                        fp++;
                        fps.append(String.format(" %d:%s:%.2f", i, lastParts[i].label(), scores[i]));
                    }
                }
                if (Boolean.getBoolean("showFp") && fp > 0) {
                    detail.append(System.lineSeparator()).append("    fp").append(fps);
                }
                System.out.printf("%-55s std %6.2f fp %3d%s%n", relative, NabScorer.score(List.of(lf), NabScorer.STANDARD).score(), fp, detail);
            }
        }
         StringBuilder sb = new StringBuilder(residual + " " + parts + " w" + warmup + " s" + shortWindow + " l" + longWindow + " t" + tolerance + ":");
        for (NabScorer.Profile p : NabScorer.PROFILES) {
            NabScorer.ProfileScore s = NabScorer.score(scored, p);
            sb.append(String.format(" %s %.2f (thr %.4f)", p.name(), s.score(), s.threshold()));
        }
        NabScorer.Detection d = NabScorer.detection(scored, threshold);
        sb.append(String.format(" | at %.3f: recall %d/%d fp %d f1 %.3f", threshold, d.windowsDetected(), d.windows(),
                d.falsePositives(), d.f1()));
        System.out.println(sb);
    }

    /** The part that gave each row's score in the last {@link #run} (for the FP listing). */
    static AnomalyDetector.Part[] lastParts = new AnomalyDetector.Part[0];

    static double[] run(long[] ts, double[] values, String residual, AnomalyDetector detector) {
        StepState step = StepState.create(4, 1);
        CombineStage combine = new CombineStage(combineSettings());
        CombineState cs = combine.newState();
        AnomalyState anomaly = new AnomalyState();
        double[] scores = new double[values.length];
        lastParts = new AnomalyDetector.Part[values.length];
        double[] raw = new double[1];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            Forecast f = new Forecast();
            f.value = v;
            Double networkError = null;
            if (step.hasLast()) {
                f.persistenceError = v - step.lastValue;
                networkError = f.persistenceError;
                f.error = networkError;
            }
            double arError = Float.isNaN(cs.lastAr) ? Double.NaN : v - cs.lastAr;
            raw[0] = v;
            step.observe(raw);
            combine.observe(cs, step, f, networkError);
            double r = switch (residual) {
                case "network" -> networkError == null ? Double.NaN : networkError;
                case "ar" -> arError;
                case "combined" -> f.error == null ? Double.NaN : f.error;
                default -> throw new IllegalArgumentException(residual);
            };
            AnomalyDetector.Score sc = detector.score(anomaly, ts[i], v, Math.abs(r),
                    f.persistenceError == null ? step.changeScale() : step.changeScaleBefore(f.persistenceError));
            scores[i] = sc.score();
            lastParts[i] = sc.part();
            f.forecast = new float[] {(float) v};
            step.lastValue = v;
            step.lastTs = ts[i];
            combine.complete(cs, step, f);
        }
        return scores;
    }

    private static CombineSettings combineSettings() {
        org.apache.flink.configuration.Configuration c = new org.apache.flink.configuration.Configuration();
        return new CombineSettings(c.get(io.onlinelstm.job.JobOptions.AR_LAGS), c.get(io.onlinelstm.job.JobOptions.AR_FORGETTING),
                c.get(io.onlinelstm.job.JobOptions.COMBINE_DISCOUNT), c.get(io.onlinelstm.job.JobOptions.COMBINE_SHARPNESS));
    }

    private static int row(HistoryFile history, String text) {
        return history.rowOf(LocalDateTime.parse(text, LABEL_TIME).toInstant(ZoneOffset.UTC).toEpochMilli());
    }
}
