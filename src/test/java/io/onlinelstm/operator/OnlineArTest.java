package io.onlinelstm.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.state.CombineState;
import io.onlinelstm.state.HalfFloat;
import io.onlinelstm.state.UdFactors;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The autoregression's factored update against what recursive least squares with forgetting
 * computes: the exponentially weighted least-squares coefficients, solved here directly in doubles.
 */
class OnlineArTest {

    private static final int LAGS = 24;
    private static final double FORGETTING = 0.999;

    @Test
    void coefficientsAreTheWeightedLeastSquaresSolution() {
        Random random = new Random(11);
        OnlineAr ar = new OnlineAr(LAGS, FORGETTING);
        CombineState s = ar.newState();
        int n = LAGS + 2;
        double[][] normal = new double[n][n];
        double[] moment = new double[n];
        double[] changes = new double[LAGS];
        double level = 0;
        int steps = 6_000;
        for (int t = 0; t < steps; t++) {
            // next change: AR(3) in the changes, a pull of the level, a bias, bounded noise
            double change = 0.5 * changes[0] - 0.2 * changes[1] + 0.1 * changes[2] - 0.3 * level + 0.05
                    + (random.nextDouble() - 0.5);
            double[] x = new double[n];
            for (int i = 0; i < LAGS; i++) {
                x[i] = changes[i];
            }
            x[LAGS] = level;
            x[LAGS + 1] = 1;
            for (int i = 0; i < n; i++) {
                moment[i] = FORGETTING * moment[i] + x[i] * change;
                for (int j = 0; j < n; j++) {
                    normal[i][j] = FORGETTING * normal[i][j] + x[i] * x[j];
                }
            }
            ar.update(s, change);
            System.arraycopy(changes, 0, changes, 1, LAGS - 1);
            changes[0] = change;
            level = Math.sin(t / 40.0);
            ar.shift(s, change, level);
        }
        double[] expected = solve(normal, moment);
        for (int i = 0; i < n; i++) {
            assertEquals(expected[i], s.arWeights[i], 0.01, "coefficient " + i);
        }
        assertEquals(0.5, s.arWeights[0], 0.05);
        assertEquals(-0.3, s.arWeights[LAGS], 0.05);
    }

    /**
     * A noiseless process drives the covariance towards singular (the lags lie in a plane between
     * kicks): the factors must keep it a covariance, so what was learnt is kept, not reset.
     */
    @Test
    void aNoiselessProcessIsLearntExactlyAndStaysLearnt() {
        OnlineAr ar = new OnlineAr(LAGS, FORGETTING);
        CombineState s = ar.newState();
        double[] changes = new double[LAGS];
        double worst = 0;
        int steps = 20_000;
        for (int t = 0; t < steps; t++) {
            // a decaying oscillation would die out: kick it now and then
            if (t % 500 == 0) {
                changes[0] += 1;
                ar.shift(s, changes[0], 0);
            }
            double change = 1.2 * changes[0] - 0.5 * changes[1];
            if (t >= steps - 5_000) {
                worst = Math.max(worst, Math.abs(ar.predict(s) - change));
            }
            ar.update(s, change);
            System.arraycopy(changes, 0, changes, 1, LAGS - 1);
            changes[0] = change;
            ar.shift(s, change, 0);
        }
        // The kicks are news (1 each): the forecasts right after them miss by about 0.002, the others by far less.
        assertEquals(0, worst, 0.01, "largest error of the last 5,000 one-step forecasts");
        // Certain of the first lag's coefficient (the prior's variance is 100): no reset threw it away.
        int n = LAGS + 2;
        double[] d = new double[n];
        double[] u = new double[UdFactors.strictSize(n)];
        for (int i = 0; i < n; i++) {
            d[i] = s.arCovarianceD[i];
        }
        for (int k = 0; k < u.length; k++) {
            u[k] = HalfFloat.toFloat(s.arCovarianceU[k]);
        }
        assertTrue(UdFactors.covariance(d, u, n)[0] < 1, "variance of the first coefficient");
    }

    /** Gaussian elimination with partial pivoting. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        double[] y = b.clone();
        for (int i = 0; i < n; i++) {
            m[i] = a[i].clone();
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            double[] row = m[c];
            m[c] = m[p];
            m[p] = row;
            double t = y[c];
            y[c] = y[p];
            y[p] = t;
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                for (int k = c; k < n; k++) {
                    m[r][k] -= f * m[c][k];
                }
                y[r] -= f * y[c];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double v = y[i];
            for (int k = i + 1; k < n; k++) {
                v -= m[i][k] * x[k];
            }
            x[i] = v / m[i][i];
        }
        return x;
    }
}
