package io.onlinelstm.operator;

import io.onlinelstm.state.CombineState;

/**
 * Online combination of forecasters from their past errors only: each member's weight is a softmax
 * of its exponentially discounted mean squared error relative to the best member's,
 * {@code w_i ~ exp(-sharpness * (M_i - M_min) / M_min)}, so that weights depend on how much worse
 * a member is, not on the series' units; a member twice as bad as the best gets {@code
 * exp(-sharpness)} of its weight. Errors come normalised (in the series' typical change).
 *
 * <p>One huge error (an outage, a jump) must not decide the weights for the next hundred readings,
 * so once the combined forecast's residual scale is known every squared error is clipped at
 * {@value #ERROR_CLIP} of that scale (squared) before it is counted. The same clipped residuals of
 * the combined forecast give the interval's scale. No Flink here.
 */
public final class Combiner {

    /** Squared errors count at most (this many residual scales) squared. */
    static final double ERROR_CLIP = 4.0;
    /** Scored forecasts (discounted) before the residual scale is trusted for clipping and intervals. */
    static final double WARMUP = 10.0;
    /** Normal quantile of 0.9: a central 80 % interval is +- this many residual scales. */
    public static final double Z80 = 1.2815515655446004;

    private final double discount;
    private final double sharpness;

    /**
     * @param discount per-reading discount of past errors in (0, 1): 0.99 weighs about the last 100
     * @param sharpness how strongly weights follow relative error; 0 gives equal weights
     */
    public Combiner(double discount, double sharpness) {
        if (!(discount > 0 && discount < 1)) {
            throw new IllegalArgumentException("combine discount must be in (0, 1), got " + discount);
        }
        if (!(sharpness >= 0) || Double.isInfinite(sharpness)) {
            throw new IllegalArgumentException("combine sharpness must be >= 0, got " + sharpness);
        }
        this.discount = discount;
        this.sharpness = sharpness;
    }

    /** The members' weights now (they sum to 1); equal before any error is known. */
    public void weights(CombineState s, double[] out) {
        int m = CombineState.MEMBERS;
        if (s.scored <= 0) {
            java.util.Arrays.fill(out, 0, m, 1.0 / m);
            return;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < m; i++) {
            best = Math.min(best, s.losses[i]);
        }
        // A perfect member (a constant series) would divide by zero: a tiny floor keeps it winning.
        double unit = Math.max(best, 1e-9 * s.scored);
        double sum = 0;
        for (int i = 0; i < m; i++) {
            out[i] = Math.exp(-sharpness * (s.losses[i] - best) / unit);
            sum += out[i];
        }
        for (int i = 0; i < m; i++) {
            out[i] /= sum;
        }
    }

    /** The combination of the members' forecasts with these weights. */
    public static double combine(double[] weights, double[] forecasts) {
        double y = 0;
        for (int i = 0; i < CombineState.MEMBERS; i++) {
            y += weights[i] * forecasts[i];
        }
        return y;
    }

    /**
     * Counts one reading's errors: each member's and the combined forecast's, all normalised. A
     * member without a finite error (a network that returned NaN) is charged the largest error counted.
     */
    public void observe(CombineState s, double[] memberErrors, double combinedError) {
        double cap = Double.POSITIVE_INFINITY;
        if (s.scored >= WARMUP && s.residualSquares > 0) {
            cap = ERROR_CLIP * ERROR_CLIP * s.residualSquares / s.scored;
        }
        double worst = 0;
        for (int i = 0; i < CombineState.MEMBERS; i++) {
            if (Double.isFinite(memberErrors[i])) {
                worst = Math.max(worst, Math.min(memberErrors[i] * memberErrors[i], cap));
            }
        }
        for (int i = 0; i < CombineState.MEMBERS; i++) {
            double e = memberErrors[i];
            double loss = Double.isFinite(e) ? Math.min(e * e, cap) : worst;
            s.losses[i] = (float) (discount * s.losses[i] + loss);
        }
        double c = Double.isFinite(combinedError) ? Math.min(combinedError * combinedError, cap) : worst;
        s.residualSquares = (float) (discount * s.residualSquares + c);
        s.scored = (float) (discount * s.scored + 1);
    }

    /** Half-width of the central 80 % interval in normalised units, or NaN while the scale is unknown. */
    public static double halfWidth80(CombineState s) {
        return Z80 * errorScale(s);
    }

    /** The combined forecast's discounted root mean square error, in change units; NaN while too few are scored. */
    public static double errorScale(CombineState s) {
        if (s.scored < WARMUP) {
            return Double.NaN;
        }
        return Math.sqrt(s.residualSquares / s.scored);
    }
}
