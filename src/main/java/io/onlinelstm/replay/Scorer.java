package io.onlinelstm.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores the forecasts of a replay against the file, side by side with three baselines computed on
 * exactly the same (forecast, step) pairs: persistence, seasonal naive and an online linear
 * autoregression.
 *
 * <p>A forecast is made after a series' present row (its origin) for the series' next {@code H}
 * present rows; it is scored when all H of them lie in the scored rows, and then at every step, so
 * MSE and MAE are averages over the H steps (as published multi-step work reports them), with the
 * figures per step beside. With H = 1 that is the forecast made after the series' previous present
 * row, scored against this row. Missing cells are neither scored nor used (predictors use the last
 * present value). Every baseline knows only the rows up to the origin: persistence repeats the
 * origin's value, seasonal naive takes the latest value a whole number of seasons before the target
 * that is not after the origin, and the linear AR iterates its one-step prediction.
 */
public final class Scorer {

    public static final String[] METHODS = {"model", "persistence", "seasonal", "linear_ar"};

    /** Sums of one method over some pairs. */
    public static final class Errors {
        double sumSquared;
        double sumAbsolute;
        long count;

        void add(double error) {
            sumSquared += error * error;
            sumAbsolute += Math.abs(error);
            count++;
        }

        public double mse() {
            return count == 0 ? Double.NaN : sumSquared / count;
        }

        public double mae() {
            return count == 0 ? Double.NaN : sumAbsolute / count;
        }

        public double rmse() {
            return Math.sqrt(mse());
        }

        /** Errors added: forecasts x steps. */
        public long count() {
            return count;
        }
    }

    /**
     * Errors per method, overall (all steps) and per series; per step (index 0 is step 1); the
     * number of forecasts scored; and per scored row (the rows targeted), the mean squared error of
     * each method over the steps that targeted it, for rolling charts.
     */
    public record Result(Map<String, Errors> overall, Map<String, Map<String, Errors>> perSeries, int rows,
                         List<double[]> rowSquaredErrors, List<Integer> scoredRows, List<Map<String, Errors>> perStep,
                         long forecasts) {

        public int horizon() {
            return perStep.size();
        }
    }

    private Scorer() {}

    /**
     * @param forecasts per series and row, the model's next-step forecast made after that row (NaN: none)
     */
    public static Result score(HistoryFile file, double[][] forecasts, ScoreSettings settings) {
        return score(file, ForecastTable.ofFirstSteps(forecasts), settings, null);
    }

    /**
     * @param refused per series and row, readings the job refused (dead letters): they have no model
     *     forecast after them, so the forecast from that origin is scored for no method (the comparison
     *     stays on the same readings); null when none were refused
     */
    public static Result score(HistoryFile file, ForecastTable forecasts, ScoreSettings settings, boolean[][] refused) {
        int n = file.rows();
        int horizon = forecasts.horizon();
        int from = Math.min(settings.evalFrom(), n);
        int to = Math.min(settings.evalTo(), n);
        Map<String, Errors> overall = newErrors();
        Map<String, Map<String, Errors>> perSeries = new LinkedHashMap<>();
        List<Map<String, Errors>> perStep = new ArrayList<>();
        for (int k = 0; k < horizon; k++) {
            perStep.add(newErrors());
        }
        long scoredForecasts = 0;
        // Per row, the sum of squared errors over the (series, step) pairs that targeted it and their count.
        double[][] rowSums = new double[to - from][METHODS.length + 1];
        double[] predictions = new double[METHODS.length];
        for (int s = 0; s < file.series().size(); s++) {
            Map<String, Errors> mine = newErrors();
            perSeries.put(file.series().get(s), mine);
            double[] fit = meanAndStd(file, s, settings.fitFrom(), Math.min(settings.fitTo(), n));
            double scale = settings.zScore() ? fit[1] : 1.0;
            RlsAutoRegression ar = new RlsAutoRegression(settings.arLags(), settings.arForgetting(), 100.0, fit[0], fit[1]);
            int[] present = presentRows(file, s, to);
            for (int i = 0; i < present.length; i++) {
                int origin = present[i];
                ar.observe(file.value(s, origin));
                // Scored only when every target lies in the scored rows.
                if (i + horizon >= present.length || present[i + 1] < from
                        || (refused != null && refused[s][origin])) {
                    continue;
                }
                double persistence = file.value(s, origin);
                double[] linear = ar.forecast(horizon);
                for (int k = 1; k <= horizon; k++) {
                    int target = present[i + k];
                    double actual = file.value(s, target);
                    double seasonal = seasonalNaive(file, s, origin, target, settings.season());
                    predictions[0] = forecasts.get(s, origin, k);
                    predictions[1] = persistence;
                    predictions[2] = Double.isNaN(seasonal) ? persistence : seasonal;
                    predictions[3] = Double.isNaN(linear[k - 1]) ? persistence : linear[k - 1];
                    for (int m = 0; m < METHODS.length; m++) {
                        if (Double.isNaN(predictions[m])) {
                            throw new IllegalStateException("No " + METHODS[m] + " forecast for series "
                                    + file.series().get(s) + " after row " + origin + (horizon > 1 ? " at step " + k : "")
                                    + ": the replay lost a forecast");
                        }
                        double error = (predictions[m] - actual) / scale;
                        overall.get(METHODS[m]).add(error);
                        mine.get(METHODS[m]).add(error);
                        perStep.get(k - 1).get(METHODS[m]).add(error);
                        rowSums[target - from][m] += error * error;
                    }
                    rowSums[target - from][METHODS.length]++;
                }
                scoredForecasts++;
            }
        }
        List<double[]> rowErrors = new ArrayList<>();
        List<Integer> scoredRows = new ArrayList<>();
        for (int i = 0; i < rowSums.length; i++) {
            if (rowSums[i][METHODS.length] > 0) {
                double[] mean = new double[METHODS.length];
                for (int m = 0; m < METHODS.length; m++) {
                    mean[m] = rowSums[i][m] / rowSums[i][METHODS.length];
                }
                rowErrors.add(mean);
                scoredRows.add(from + i);
            }
        }
        return new Result(overall, perSeries, scoredRows.size(), rowErrors, scoredRows, perStep, scoredForecasts);
    }

    /** The rows before {@code to} where series {@code s} has a value, in order. */
    private static int[] presentRows(HistoryFile file, int s, int to) {
        int[] rows = new int[to];
        int count = 0;
        for (int r = 0; r < to; r++) {
            if (!Double.isNaN(file.value(s, r))) {
                rows[count++] = r;
            }
        }
        return java.util.Arrays.copyOf(rows, count);
    }

    /**
     * The value a whole number of seasons before {@code target} and not after {@code origin} (the
     * latest such), or NaN when that cell is missing or before the file.
     */
    static double seasonalNaive(HistoryFile file, int s, int origin, int target, int season) {
        int seasons = Math.max(1, (target - origin + season - 1) / season);
        int row = target - seasons * season;
        return row >= 0 ? file.value(s, row) : Double.NaN;
    }

    private static Map<String, Errors> newErrors() {
        Map<String, Errors> m = new LinkedHashMap<>();
        for (String method : METHODS) {
            m.put(method, new Errors());
        }
        return m;
    }

    /** Mean and population standard deviation of the present values in [from, to). */
    static double[] meanAndStd(HistoryFile file, int s, int from, int to) {
        double sum = 0;
        double sumSq = 0;
        int count = 0;
        for (int r = from; r < to; r++) {
            double v = file.value(s, r);
            if (!Double.isNaN(v)) {
                sum += v;
                sumSq += v * v;
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("Series " + file.series().get(s) + " has no values in the fit rows "
                    + from + ":" + to);
        }
        double mean = sum / count;
        double variance = Math.max(0, sumSq / count - mean * mean);
        double std = Math.sqrt(variance);
        return new double[] {mean, std > 0 ? std : 1.0};
    }
}
