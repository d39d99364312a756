package io.onlinelstm.replay;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.operator.CombineSettings;
import io.onlinelstm.operator.CombineStage;
import io.onlinelstm.state.CombineState;
import io.onlinelstm.state.StepState;
import java.nio.file.Path;

/**
 * The combination's ablation on a history file, without Flink or the network, scored like the
 * replay (z-scores from the fit rows, the forecast after row t-1 against row t): the online AR
 * member alone, and the combination of AR and persistence only (no network member).
 *
 * <pre>java -cp 'target/test-classes:target/classes:target/lib/*' io.onlinelstm.replay.CombineAblation \
 *   FILE [evalFrom evalTo fitTo [arLags arForgetting discount sharpness]]</pre>
 */
public final class CombineAblation {

    private CombineAblation() {}

    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        int from = args.length > 1 ? Integer.parseInt(args[1]) : 3_600;
        int to = args.length > 2 ? Integer.parseInt(args[2]) : 14_400;
        int fitTo = args.length > 3 ? Integer.parseInt(args[3]) : 2_880;
        CombineSettings settings = args.length > 7
                ? new CombineSettings(Integer.parseInt(args[4]), Double.parseDouble(args[5]),
                        Double.parseDouble(args[6]), Double.parseDouble(args[7]))
                : new CombineSettings(24, 0.999, 0.99, 10.0);
        HistoryFile file = HistoryFile.read(path, new HistoryFormat(HistoryFormat.Layout.WIDE, "", "key", "value", "auto"));
        double[] ar = new double[2];
        double[] combined = new double[2];
        double[] persistence = new double[2];
        long n = 0;
        for (int s = 0; s < file.series().size(); s++) {
            double[] fit = Scorer.meanAndStd(file, s, 0, Math.min(fitTo, file.rows()));
            CombineStage stage = new CombineStage(settings);
            CombineState state = stage.newState();
            StepState step = StepState.create(1, 1);
            for (int r = 0; r < Math.min(to, file.rows()); r++) {
                double v = file.value(s, r);
                if (Double.isNaN(v)) {
                    continue;
                }
                Forecast f = new Forecast();
                f.value = v;
                if (step.hasLast()) {
                    f.persistenceError = v - step.lastValue;
                }
                if (r >= from && step.hasLast() && !Float.isNaN(state.lastCombined)) {
                    add(ar, (v - state.lastAr) / fit[1]);
                    add(combined, (v - state.lastCombined) / fit[1]);
                    add(persistence, f.persistenceError / fit[1]);
                    n++;
                }
                step.observe(new double[] {v});
                stage.observe(state, step, f, null);
                f.forecast = new float[] {Float.NaN};
                step.lastValue = v;
                stage.complete(state, step, f);
            }
        }
        System.out.printf(java.util.Locale.ROOT, "{\"scored\":%d,\"settings\":\"%s\",\"mse_ar\":%.6f,\"mae_ar\":%.6f,"
                        + "\"mse_ar_persistence\":%.6f,\"mae_ar_persistence\":%.6f,\"mse_persistence\":%.6f,\"mae_persistence\":%.6f}%n",
                n, settings, ar[0] / n, ar[1] / n, combined[0] / n, combined[1] / n, persistence[0] / n, persistence[1] / n);
    }

    private static void add(double[] sums, double error) {
        sums[0] += error * error;
        sums[1] += Math.abs(error);
    }
}
