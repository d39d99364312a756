package io.onlinelstm.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores next-step forecasts of a replay against the file, side by side with three baselines
 * computed on exactly the same (row, series) pairs: persistence, seasonal naive and an online
 * linear autoregression. The forecast made after a series' previous present row is scored against
 * this row; missing cells are neither scored nor used (predictors use the last present value).
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

        public long count() {
            return count;
        }
    }

    /** Errors per method, overall and per series; and per scored row, for rolling charts. */
    public record Result(Map<String, Errors> overall, Map<String, Map<String, Errors>> perSeries, int rows,
                         List<double[]> rowSquaredErrors, List<Integer> scoredRows) {}

    private Scorer() {}

    /**
     * @param forecasts per series and row, the model's next-step forecast made after that row (NaN: none)
     */
    public static Result score(HistoryFile file, double[][] forecasts, ScoreSettings settings) {
        return score(file, forecasts, settings, null);
    }

    /**
     * @param refused per series and row, readings the job refused (dead letters): they have no model
     *     forecast after them, so the next reading is scored for no method (the comparison stays
     *     on the same readings); null when none were refused
     */
    public static Result score(HistoryFile file, double[][] forecasts, ScoreSettings settings, boolean[][] refused) {
        int n = file.rows();
        int from = Math.min(settings.evalFrom(), n);
        int to = Math.min(settings.evalTo(), n);
        Map<String, Errors> overall = newErrors();
        Map<String, Map<String, Errors>> perSeries = new LinkedHashMap<>();
        // Per row, the sum of squared errors over series and the count, for each method.
        double[][] rowSums = new double[to - from][METHODS.length + 1];
        for (int s = 0; s < file.series().size(); s++) {
            Map<String, Errors> mine = newErrors();
            perSeries.put(file.series().get(s), mine);
            double[] fit = meanAndStd(file, s, settings.fitFrom(), Math.min(settings.fitTo(), n));
            double scale = settings.zScore() ? fit[1] : 1.0;
            RlsAutoRegression ar = new RlsAutoRegression(settings.arLags(), settings.arForgetting(), 100.0, fit[0], fit[1]);
            int previous = -1;
            for (int r = 0; r < to; r++) {
                double actual = file.value(s, r);
                if (Double.isNaN(actual)) {
                    continue;
                }
                if (previous >= 0 && r >= from && (refused == null || !refused[s][previous])) {
                    double persistence = file.value(s, previous);
                    double seasonalValue = r - settings.season() >= 0 ? file.value(s, r - settings.season()) : Double.NaN;
                    double seasonal = Double.isNaN(seasonalValue) ? persistence : seasonalValue;
                    double linear = ar.predict();
                    double model = forecasts[s][previous];
                    double[] predictions = {model, persistence, seasonal, Double.isNaN(linear) ? persistence : linear};
                    for (int m = 0; m < METHODS.length; m++) {
                        if (Double.isNaN(predictions[m])) {
                            throw new IllegalStateException("No " + METHODS[m] + " forecast for series "
                                    + file.series().get(s) + " after row " + previous + ": the replay lost a forecast");
                        }
                        double error = (predictions[m] - actual) / scale;
                        overall.get(METHODS[m]).add(error);
                        mine.get(METHODS[m]).add(error);
                        rowSums[r - from][m] += error * error;
                    }
                    rowSums[r - from][METHODS.length]++;
                }
                ar.observe(actual);
                previous = r;
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
        return new Result(overall, perSeries, scoredRows.size(), rowErrors, scoredRows);
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
