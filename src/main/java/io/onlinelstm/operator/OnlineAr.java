package io.onlinelstm.operator;

import io.onlinelstm.state.CombineState;
import io.onlinelstm.state.HalfFloat;
import io.onlinelstm.state.UdFactors;

/**
 * Online linear autoregression of a series' next change, on the arrays of a {@link CombineState}:
 * recursive least squares with forgetting over {@code lags} recent changes, the current level and a
 * bias (together the same model as an AR(lags + 1) on levels with a mean, but with inputs of
 * comparable scale). Inputs are normalised by the caller: changes in units of the series' typical
 * change, the level as a z-score.
 *
 * <p>Robust to jumps, so that one outage does not wreck the coefficients: inputs are clipped to
 * {@value #INPUT_CLIP}, and once the residual scale is known a residual beyond {@value
 * #RESIDUAL_CLIP} of its scale is clipped before it moves the coefficients (a Huber-like update);
 * {@link #update} says so, and the caller then shifts in the change it expected instead (a robust
 * filter: a spike does not echo through the next {@code lags} forecasts).
 * The covariance is bounded (its trace at most its prior's) so that forgetting on a series without
 * excitation cannot blow it up, and reset to the prior if its factors leave what floats and halves
 * hold. The update runs in doubles on Bierman's U-D factors; the state stores them compactly
 * ({@link CombineState}). No Flink here.
 */
public final class OnlineAr {

    /** Largest normalised input: a jump of many typical changes counts as this many. */
    static final float INPUT_CLIP = 8f;
    /** Residuals beyond this many residual scales are clipped before they move the coefficients. */
    static final double RESIDUAL_CLIP = 4.0;
    /** Discount of the residual scale: about the last 100 residuals. */
    static final double RESIDUAL_DISCOUNT = 0.99;
    static final float INITIAL_VARIANCE = CombineState.PRIOR_VARIANCE;
    /** Largest |U| entry a half holds (65,504) with room: beyond it the factors restart from the prior. */
    static final double LARGEST_U = 60_000;

    private final int lags;
    private final int n;
    private final double forgetting;
    // scratch, reused
    private final double[] x;
    /** What the last {@link #update} predicted before it learnt: the change an outlier is replaced by. */
    private double predicted;
    /** The covariance's factors in doubles while they are updated: D, and U's strict upper triangle by column. */
    private final double[] d;
    private final double[] u;
    /** U^T x, D U^T x, and Bierman's unnormalised gain. */
    private final double[] f;
    private final double[] g;
    private final double[] b;

    /** @param forgetting lambda in (0, 1]: 1 never forgets; 0.999 remembers about the last 1,000 changes */
    public OnlineAr(int lags, double forgetting) {
        if (lags < 1) {
            throw new IllegalArgumentException("AR lags must be >= 1, got " + lags);
        }
        if (!(forgetting > 0 && forgetting <= 1)) {
            throw new IllegalArgumentException("AR forgetting must be in (0, 1], got " + forgetting);
        }
        this.lags = lags;
        this.n = lags + 2;
        this.forgetting = forgetting;
        this.x = new double[n];
        this.d = new double[n];
        this.u = new double[UdFactors.strictSize(n)];
        this.f = new double[n];
        this.g = new double[n];
        this.b = new double[n];
    }

    public int lags() {
        return lags;
    }

    public CombineState newState() {
        return CombineState.create(lags, INITIAL_VARIANCE);
    }

    /** The forecast of the next normalised change from the current inputs (0, persistence, when fresh). */
    public double predict(CombineState s) {
        fillX(s);
        double y = 0;
        for (int i = 0; i < n; i++) {
            y += s.arWeights[i] * x[i];
        }
        return y;
    }

    /**
     * The next {@code changesOut.length} normalised changes, iterated: each predicted change enters
     * the lags (clipped, as a real change would) and moves the level, as the readings between are not
     * known yet. Step 1 is {@link #predict}. Leaves the state as it was.
     */
    public void predictPath(CombineState s, double[] changesOut) {
        fillX(s);
        for (int k = 0; k < changesOut.length; k++) {
            double y = 0;
            for (int i = 0; i < n; i++) {
                y += s.arWeights[i] * x[i];
            }
            changesOut[k] = y;
            System.arraycopy(x, 0, x, 1, lags - 1);
            x[0] = clip(y);
            x[lags] += y;
        }
    }

    /**
     * Learns that the normalised change which followed the current inputs was {@code change}. Call
     * before {@link #shift}.
     *
     * @return whether the change was an outlier (its residual beyond the clip)
     */
    public boolean update(CombineState s, double change) {
        predicted = predict(s);
        double residual = change - predicted;
        if (!Double.isFinite(residual)) {
            return true;
        }
        double variance = s.arResidualVariance;
        // The scale is trusted once it rests on a few residuals per coefficient.
        boolean warm = s.arUpdates >= 2 * n && variance > 0;
        double limit = RESIDUAL_CLIP * Math.sqrt(variance);
        boolean outlier = warm && Math.abs(residual) > limit;
        double squared = outlier ? limit * limit : residual * residual;
        s.arResidualVariance = s.arUpdates == 0 ? (float) squared
                : (float) (RESIDUAL_DISCOUNT * variance + (1 - RESIDUAL_DISCOUNT) * squared);
        s.arUpdates++;
        double used = outlier ? Math.copySign(limit, residual) : residual;

        // Bierman's U-D measurement update (P = U D U^T) with noise variance lambda, which gives the
        // gain P x / (lambda + x' P x) and the factors of P - P x x' P / (lambda + x' P x); dividing D by
        // lambda then forgets. O(n^2) like the covariance form, and P stays positive definite whatever
        // U's rounding to halves does.
        for (int j = 0; j < n; j++) {
            d[j] = s.arCovarianceD[j];
        }
        short[] halves = s.arCovarianceU;
        for (int k = 0; k < u.length; k++) {
            u[k] = HalfFloat.toFloat(halves[k]);
        }
        for (int j = 0; j < n; j++) {
            double fj = x[j];
            for (int i = 0, k = UdFactors.column(j); i < j; i++, k++) {
                fj += u[k] * x[i];
            }
            f[j] = fj;
            g[j] = d[j] * fj;
        }
        double alpha = forgetting + f[0] * g[0];
        d[0] = d[0] * forgetting / alpha;
        b[0] = g[0];
        for (int j = 1; j < n; j++) {
            double next = alpha + f[j] * g[j];
            d[j] = d[j] * alpha / next;
            double p = -f[j] / alpha;
            for (int i = 0, k = UdFactors.column(j); i < j; i++, k++) {
                double old = u[k];
                u[k] = old + b[i] * p;
                b[i] += old * g[j];
            }
            b[j] = g[j];
            alpha = next;
        }
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            reset(s);
            return outlier;
        }
        double gain = used / alpha;
        for (int i = 0; i < n; i++) {
            s.arWeights[i] += (float) (b[i] * gain);
        }
        // trace(P) = sum over columns j of D_j (1 + sum over i < j of U_ij^2)
        double trace = 0;
        double largest = 0;
        for (int j = 0; j < n; j++) {
            d[j] /= forgetting;
            double column = 1;
            for (int i = 0, k = UdFactors.column(j); i < j; i++, k++) {
                column += u[k] * u[k];
                largest = Math.max(largest, Math.abs(u[k]));
            }
            trace += d[j] * column;
        }
        double bound = n * (double) INITIAL_VARIANCE;
        double shrink = trace > bound ? bound / trace : 1.0;
        if (!(trace > 0) || !Double.isFinite(trace) || !(largest < LARGEST_U) || !finite(s.arWeights)) {
            reset(s);
            return outlier;
        }
        for (int j = 0; j < n; j++) {
            float dj = (float) (d[j] * shrink);
            if (!(dj >= Float.MIN_NORMAL) || !Float.isFinite(dj)) {
                reset(s);
                return outlier;
            }
            s.arCovarianceD[j] = dj;
        }
        for (int k = 0; k < u.length; k++) {
            halves[k] = HalfFloat.fromFloat((float) u[k]);
        }
        return outlier;
    }

    /** The change the last {@link #update} expected, from the inputs it learnt on. */
    public double lastPrediction() {
        return predicted;
    }

    /** Moves the inputs on by one reading: its normalised change (clipped here) and level (clipped by the caller). */
    public void shift(CombineState s, double change, double level) {
        System.arraycopy(s.arInputs, 0, s.arInputs, 1, lags - 1);
        s.arInputs[0] = clip(change);
        s.arInputs[lags] = Double.isFinite(level) ? (float) level : 0f;
    }

    private static float clip(double v) {
        if (!Double.isFinite(v)) {
            return 0f;
        }
        return (float) Math.max(-INPUT_CLIP, Math.min(INPUT_CLIP, v));
    }

    /** Forgets the coefficients' certainty (never the coefficients): numerical trouble, start learning again. */
    private void reset(CombineState s) {
        if (!finite(s.arWeights)) {
            java.util.Arrays.fill(s.arWeights, 0f);
        }
        java.util.Arrays.fill(s.arCovarianceD, INITIAL_VARIANCE);
        java.util.Arrays.fill(s.arCovarianceU, (short) 0);
    }

    private static boolean finite(float[] a) {
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private void fillX(CombineState s) {
        for (int i = 0; i <= lags; i++) {
            x[i] = s.arInputs[i];
        }
        x[lags + 1] = 1.0;
    }
}
