package io.onlinelstm.replay;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.operator.CombineSettings;
import io.onlinelstm.operator.CombineStage;
import io.onlinelstm.operator.Combiner;
import io.onlinelstm.operator.OnlineAr;
import io.onlinelstm.state.CombineState;
import io.onlinelstm.state.StepState;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The combination at horizon H on a history file, without Flink: replays the combine stage over
 * the file with the network's forecasts of a replay run with {@code --forecaster.combine false}
 * (the network does not depend on combining), and scores, like the replay, every step of every
 * forecast whose targets lie in the scored rows: the emitted combination (the first step's weights
 * at every step), the same members with weights learnt per step (each step's errors as its targets
 * arrive), and each member alone.
 *
 * <pre>bin/online-lstm replay data/ett/ETTh2.csv --eval-rows 3600:14400 --fit-rows 0:2880 --scale zscore \
 *   --model.horizon 24 --forecaster.combine false --out target/h24-net
 * java -cp 'target/test-classes:target/classes:target/lib/*' io.onlinelstm.replay.HorizonAblation \
 *   data/ett/ETTh2.csv target/h24-net/forecasts.csv [horizon evalFrom evalTo fitTo]</pre>
 */
public final class HorizonAblation {

    private HorizonAblation() {}

    public static void main(String[] args) throws Exception {
        int H = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        int from = args.length > 3 ? Integer.parseInt(args[3]) : 3_600;
        int to = args.length > 4 ? Integer.parseInt(args[4]) : 14_400;
        int fitTo = args.length > 5 ? Integer.parseInt(args[5]) : 2_880;
        HistoryFile file = HistoryFile.read(Path.of(args[0]), new HistoryFormat(HistoryFormat.Layout.WIDE, "", "key", "value", "auto"));
        ForecastTable net = ForecastCsvSink.readForecasts(Path.of(args[1]), file, H, new long[file.rows()],
                new double[file.series().size()][file.rows()]);
        CombineSettings settings = new CombineSettings(24, 0.999, 0.99, 10.0);
        // Squared errors per step of: emitted, per-step weights, network, AR member, persistence.
        double[][] sq = new double[5][H];
        long count = 0;
        for (int s = 0; s < file.series().size(); s++) {
            double[] fit = Scorer.meanAndStd(file, s, 0, fitTo);
            CombineStage stage = new CombineStage(settings);
            CombineState state = stage.newState();
            OnlineAr ar = new OnlineAr(24, 0.999);
            Combiner combiner = new Combiner(0.99, 10.0);
            CombineState[] perStep = new CombineState[H];
            for (int k = 0; k < H; k++) perStep[k] = CombineState.create(24, 100f);
            StepState step = StepState.create(1, 1);
            int n = Math.min(to, file.rows());
            double[][] members = new double[n][];   // per origin: 3 x H members
            double[] units = new double[n];
            double[] w = new double[3];
            for (int r = 0; r < n; r++) {
                double v = file.value(s, r);
                // Learn per-step weights from the forecasts whose step k lands on row r.
                for (int k = 1; k <= H; k++) {
                    int o = r - k;
                    if (o < 0 || members[o] == null) continue;
                    double u = units[o];
                    double[] e = {(v - members[o][k - 1]) / u, (v - members[o][H + k - 1]) / u, (v - members[o][2 * H + k - 1]) / u};
                    combiner.weights(perStep[k - 1], w);
                    double c = v - (w[0] * members[o][k - 1] + w[1] * members[o][H + k - 1] + w[2] * members[o][2 * H + k - 1]);
                    combiner.observe(perStep[k - 1], e, c / u);
                }
                Forecast f = new Forecast();
                f.value = v;
                if (step.hasLast()) f.persistenceError = v - step.lastValue;
                step.observe(new double[] {v});
                Double networkError = r > 0 ? v - (double) (float) net.get(s, r - 1, 1) : null;
                stage.observe(state, step, f, networkError);
                f.forecast = new float[H];
                for (int k = 1; k <= H; k++) f.forecast[k - 1] = (float) net.get(s, r, k);
                step.lastValue = v;
                double unit = step.changeScale();
                double[] path = new double[H];
                ar.predictPath(state, path);
                double[] m = new double[3 * H];
                double lvl = v;
                for (int k = 0; k < H; k++) {
                    lvl += path[k] * unit;
                    m[k] = f.forecast[k];
                    m[H + k] = lvl;
                    m[2 * H + k] = v;
                }
                members[r] = m;
                units[r] = unit;
                stage.complete(state, step, f);
                float[] em = f.forecast;
                // Score origin r if all targets lie in [from, to).
                if (r + 1 >= from && r + H < n) {
                    count++;
                    for (int k = 1; k <= H; k++) {
                        double actual = file.value(s, r + k);
                        combiner.weights(perStep[k - 1], w);
                        double per = w[0] * m[k - 1] + w[1] * m[H + k - 1] + w[2] * m[2 * H + k - 1];
                        double[] p = {em[k - 1], per, m[k - 1], m[H + k - 1], m[2 * H + k - 1]};
                        for (int i = 0; i < p.length; i++) {
                            double e = (p[i] - actual) / fit[1];
                            sq[i][k - 1] += e * e;
                        }
                    }
                }
            }
        }
        String[] names = {"emitted (step-1 weights)", "per-step weights", "network", "AR member iterated", "persistence"};
        for (int i = 0; i < names.length; i++) {
            double tot = 0;
            for (int k = 0; k < H; k++) tot += sq[i][k];
            System.out.printf(Locale.ROOT, "%-26s MSE %.4f  step 1 %.4f  step %d %.4f  step %d %.4f%n", names[i],
                    tot / count / H, sq[i][0] / count, (H + 1) / 2, sq[i][(H + 1) / 2 - 1] / count, H, sq[i][H - 1] / count);
        }
        System.out.println("forecasts " + count);
    }
}
