package io.onlinelstm.replay;

/**
 * Online linear autoregression of one series: predicts the next value from the last {@code p}
 * values and a bias, with recursive least squares and a forgetting factor; several steps ahead
 * it iterates its own predictions. Until {@code p} values
 * have been seen it predicts the last value (persistence). Values are standardised with a given
 * mean and scale so that the initial covariance means the same for every series.
 */
public final class RlsAutoRegression {

    private final int p;
    private final double lambda;
    private final double mean;
    private final double scale;
    private final double[] w;
    private final double[][] covariance;
    private final double[] lags;
    private final double[] x;
    private final double[] px;
    private int seen;

    /**
     * @param lags p, the number of past values
     * @param forgetting lambda in (0, 1]; 1 never forgets
     * @param initialVariance diagonal of the initial covariance (large: weak prior)
     */
    public RlsAutoRegression(int lags, double forgetting, double initialVariance, double mean, double scale) {
        this.p = lags;
        this.lambda = forgetting;
        this.mean = mean;
        this.scale = scale > 0 ? scale : 1;
        this.w = new double[lags + 1];
        this.covariance = new double[lags + 1][lags + 1];
        for (int i = 0; i <= lags; i++) {
            covariance[i][i] = initialVariance;
        }
        this.lags = new double[lags];
        this.x = new double[lags + 1];
        this.px = new double[lags + 1];
    }

    /** The prediction of the next value, in original units. */
    public double predict() {
        if (seen == 0) {
            return Double.NaN;
        }
        if (seen < p) {
            return lags[0] * scale + mean;
        }
        fillX();
        double y = 0;
        for (int i = 0; i <= p; i++) {
            y += w[i] * x[i];
        }
        return y * scale + mean;
    }

    /**
     * The next {@code steps} values, in original units, iterated: each step's prediction enters the
     * lags of the next, as no later value is known yet. Step 1 is {@link #predict()}. Leaves the
     * model as it was.
     */
    public double[] forecast(int steps) {
        double[] out = new double[steps];
        if (seen == 0 || seen < p) {
            java.util.Arrays.fill(out, predict());
            return out;
        }
        double[] window = new double[p + 1];
        System.arraycopy(lags, 0, window, 0, p);
        window[p] = 1.0;
        for (int k = 0; k < steps; k++) {
            double y = 0;
            for (int i = 0; i <= p; i++) {
                y += w[i] * window[i];
            }
            out[k] = y * scale + mean;
            System.arraycopy(window, 0, window, 1, p - 1);
            window[0] = y;
        }
        return out;
    }

    /** Learns from the value that followed, then shifts it into the lags. */
    public void observe(double value) {
        double z = (value - mean) / scale;
        if (seen >= p) {
            fillX();
            double err = z;
            for (int i = 0; i <= p; i++) {
                err -= w[i] * x[i];
            }
            double denom = lambda;
            for (int i = 0; i <= p; i++) {
                double s = 0;
                for (int j = 0; j <= p; j++) {
                    s += covariance[i][j] * x[j];
                }
                px[i] = s;
                denom += x[i] * s;
            }
            for (int i = 0; i <= p; i++) {
                w[i] += px[i] / denom * err;
            }
            for (int i = 0; i <= p; i++) {
                for (int j = 0; j <= p; j++) {
                    covariance[i][j] = (covariance[i][j] - px[i] * px[j] / denom) / lambda;
                }
            }
        }
        System.arraycopy(lags, 0, lags, 1, p - 1);
        lags[0] = z;
        seen++;
    }

    private void fillX() {
        System.arraycopy(lags, 0, x, 0, p);
        x[p] = 1.0;
    }
}
