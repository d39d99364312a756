package io.onlinelstm.state;

/**
 * The combine stage's part of a series' state: an online linear autoregression (recursive least
 * squares with forgetting) of the series' next change, and the discounted errors of the three
 * forecasters it combines (the network, that autoregression, persistence). Compact throughout: the
 * per-series budget is 4 KB, a covariance of 26 x 26 doubles alone would take 5.4 KB, and on RocksDB
 * every byte is rewritten at every reading. The covariance is kept in Bierman's U-D form
 * ({@link UdFactors}): D in floats, U's 325 entries as 16-bit halves (754 bytes, where its upper
 * triangle in floats took 1,404); the update itself runs in doubles.
 */
public final class CombineState {

    /** Layout of this part in {@link SeriesStateSerializer}'s format 3; bump it when a field changes. */
    static final int LAYOUT = 2;

    /** The members, in the order of {@link #losses}. */
    public static final int LSTM = 0;
    public static final int AR = 1;
    public static final int PERSISTENCE = 2;
    public static final int MEMBERS = 3;
    /** Prior variance of every coefficient (inputs are of unit scale: a weak prior). */
    public static final float PRIOR_VARIANCE = 100f;

    /**
     * The autoregression's regressors as of the last reading: {@code lags} normalised changes
     * (newest first), then the normalised level; the bias input (1) is implicit.
     */
    public float[] arInputs;
    /** Coefficients, one per regressor plus the bias: lags + 2. */
    public float[] arWeights;
    /** D of the RLS covariance P = U D U^T: lags + 2 positive entries. */
    public float[] arCovarianceD;
    /** U's strict upper triangle as halves, packed by column ({@link UdFactors#column}): (lags + 2)(lags + 1) / 2 entries. */
    public short[] arCovarianceU;
    /** Discounted mean of the autoregression's squared residuals (normalised), for clipping outliers. */
    public float arResidualVariance;
    /** Updates the autoregression has taken. */
    public int arUpdates;
    /** Discounted sums of each member's (clipped, normalised) squared errors. */
    public float[] losses;
    /** Discounted sum of the combined forecast's (clipped, normalised) squared errors. */
    public float residualSquares;
    /** Discounted count of scored forecasts: the normaliser of {@link #losses} and {@link #residualSquares}. */
    public float scored;
    /** The autoregression's forecast after the last reading (series' units); NaN when none. */
    public float lastAr = Float.NaN;
    /** The combined forecast emitted after the last reading (series' units); NaN when none. */
    public float lastCombined = Float.NaN;

    public CombineState() {}

    /** A fresh state: no coefficients, the prior covariance {@code initialVariance} x I, equal losses. */
    public static CombineState create(int lags, float initialVariance) {
        CombineState s = new CombineState();
        int n = lags + 2;
        s.arInputs = new float[lags + 1];
        s.arWeights = new float[n];
        s.arCovarianceD = new float[n];
        java.util.Arrays.fill(s.arCovarianceD, initialVariance);
        s.arCovarianceU = new short[UdFactors.strictSize(n)];
        s.losses = new float[MEMBERS];
        return s;
    }

    /** Lags of the autoregression this state was made for. */
    public int lags() {
        return arInputs.length - 1;
    }

    CombineState copy() {
        CombineState s = new CombineState();
        s.arInputs = arInputs.clone();
        s.arWeights = arWeights.clone();
        s.arCovarianceD = arCovarianceD.clone();
        s.arCovarianceU = arCovarianceU.clone();
        s.arResidualVariance = arResidualVariance;
        s.arUpdates = arUpdates;
        s.losses = losses.clone();
        s.residualSquares = residualSquares;
        s.scored = scored;
        s.lastAr = lastAr;
        s.lastCombined = lastCombined;
        return s;
    }
}
