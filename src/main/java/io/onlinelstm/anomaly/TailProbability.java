package io.onlinelstm.anomaly;

/**
 * The upper tail of the standard normal distribution on a log scale, accurate far into the tail:
 * a tail probability computed as {@code 1 - cdf(z)} is exactly 0 in double precision beyond z of
 * about 8.3, so every large deviation would tie; its logarithm keeps them apart.
 */
public final class TailProbability {

    private static final double LN10 = Math.log(10);

    private TailProbability() {}

    /**
     * {@code -log10 P(Z > z)} for a standard normal Z: 0.30 at z = 0, 5 at z of about 4.26, and
     * growing like z * z / 4.6 beyond; 0 for NaN.
     */
    public static double minusLog10Upper(double z) {
        if (Double.isNaN(z)) {
            return 0;
        }
        if (z < -8) {
            return 0;
        }
        // P(Z > z) = erfc(z / sqrt 2) / 2
        return -(logErfc(z / Math.sqrt(2)) - Math.log(2)) / LN10;
    }

    /**
     * Natural log of the complementary error function, from the Chebyshev fit of Numerical Recipes
     * (erfcc, fractional error below 1.2e-7 everywhere); taken in log form so it never underflows.
     */
    static double logErfc(double x) {
        double ax = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * ax);
        double poly = -ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        double logTail = Math.log(t) + poly;
        if (x >= 0) {
            return logTail;
        }
        return Math.log(2 - Math.exp(logTail));
    }
}
