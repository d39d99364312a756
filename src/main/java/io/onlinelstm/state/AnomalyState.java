package io.onlinelstm.state;

/**
 * The anomaly stage's part of a series' state: running statistics of its forecast errors, the
 * most recent errors, and the time of its last alert (for the quiet period).
 */
public final class AnomalyState {

    /** Layout of this part in {@link SeriesStateSerializer}'s formats 2 and 3; bump it when a field changes. */
    static final int LAYOUT = 1;

    /** Scored forecast errors so far. */
    public long errorCount;
    /** Exponentially weighted mean of absolute errors, in units of the series' typical change. */
    public double errorMean;
    /** Exponentially weighted variance of those errors. */
    public double errorVariance;
    /** The most recent absolute errors (ring); null until the first score. */
    public float[] recentErrors;
    public int recentErrorsNext;
    /** Event time of the last alert; Long.MIN_VALUE when none. */
    public long lastAlertTs = Long.MIN_VALUE;

    public AnomalyState() {}

    AnomalyState copy() {
        AnomalyState a = new AnomalyState();
        a.errorCount = errorCount;
        a.errorMean = errorMean;
        a.errorVariance = errorVariance;
        a.recentErrors = recentErrors == null ? null : recentErrors.clone();
        a.recentErrorsNext = recentErrorsNext;
        a.lastAlertTs = lastAlertTs;
        return a;
    }
}
