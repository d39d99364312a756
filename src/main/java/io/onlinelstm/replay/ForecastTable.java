package io.onlinelstm.replay;

import java.util.Arrays;

/**
 * The model's forecasts of a replay, per series and row: the {@code horizon} values made after
 * that row (step 1 is the next reading of the series). NaN where the replay made none.
 */
public final class ForecastTable {

    private final int horizon;
    private final double[][] values;

    public ForecastTable(int series, int rows, int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
        }
        this.horizon = horizon;
        this.values = new double[series][rows * horizon];
        for (double[] v : values) {
            Arrays.fill(v, Double.NaN);
        }
    }

    /** A table of one-step forecasts: {@code firstSteps[s][row]} is the forecast after that row. */
    public static ForecastTable ofFirstSteps(double[][] firstSteps) {
        int rows = firstSteps.length == 0 ? 0 : firstSteps[0].length;
        ForecastTable t = new ForecastTable(firstSteps.length, rows, 1);
        for (int s = 0; s < firstSteps.length; s++) {
            System.arraycopy(firstSteps[s], 0, t.values[s], 0, rows);
        }
        return t;
    }

    public int horizon() {
        return horizon;
    }

    /** Step {@code step} (1 to horizon) of the forecast made after {@code row}. */
    public double get(int series, int row, int step) {
        return values[series][row * horizon + step - 1];
    }

    public void set(int series, int row, int step, double value) {
        values[series][row * horizon + step - 1] = value;
    }

    /** Step 1 of every forecast, per series and row (for the charts of the next reading). */
    public double[][] firstSteps() {
        int rows = values.length == 0 ? 0 : values[0].length / horizon;
        double[][] first = new double[values.length][rows];
        for (int s = 0; s < values.length; s++) {
            for (int r = 0; r < rows; r++) {
                first[s][r] = values[s][r * horizon];
            }
        }
        return first;
    }
}
