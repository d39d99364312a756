package io.onlinelstm.state;

/**
 * The anomaly stage's part of a series' state: what each part of the detector knows of the series
 * (the likelihoods of its forecast errors and of its distance from its daily profile, its range, its
 * runs of repeated values) and its alerting (the time of its last alert, whether one is open).
 */
public final class AnomalyState {

    /** Layout of this part in {@link SeriesStateSerializer}'s formats; bump it when a field changes. */
    static final int LAYOUT = 5;

    public LikelihoodState residual = new LikelihoodState();
    public LikelihoodState season = new LikelihoodState();
    public LikelihoodState spike = new LikelihoodState();
    /** The value's usual level per time-of-day bucket (NaN: not seen yet); null until the first. */
    public float[] seasonProfile;
    /**
     * What each three-hour block of the week adds to the daily profile, in units of {@link #weekStep}
     * (16-bit fixed point); null until the series has a week of history.
     */
    public short[] weekOffsets;
    public float weekStep;
    /** Values seen so far, the time of the first, and their range. */
    public long valueCount;
    public long firstTs;
    public double minValue;
    public double maxValue;
    /** The last value, the current run of repeats of it, and the longest earlier run. */
    public double lastValue;
    public int flatRun;
    public int longestFlatRun;
    /** The current run started at the lowest value the series had shown: the flat part does not report it. */
    public boolean flatAtFloor;
    /**
     * The highest red score of the current stretch of red readings and the readings since the last
     * of them (saturates at the echo span), for the echo filter.
     */
    public float echoPeak;
    public int echoAge = Integer.MAX_VALUE;
    /** Event time of the last alert; Long.MIN_VALUE when none. */
    public long lastAlertTs = Long.MIN_VALUE;
    /** Event time of the last anomalous reading while an alert is open; Long.MIN_VALUE when none is. */
    public long openSinceTs = Long.MIN_VALUE;

    public AnomalyState() {}

    AnomalyState copy() {
        AnomalyState a = new AnomalyState();
        a.residual = residual.copy();
        a.season = season.copy();
        a.spike = spike.copy();
        a.seasonProfile = seasonProfile == null ? null : seasonProfile.clone();
        a.weekOffsets = weekOffsets == null ? null : weekOffsets.clone();
        a.weekStep = weekStep;
        a.valueCount = valueCount;
        a.firstTs = firstTs;
        a.minValue = minValue;
        a.maxValue = maxValue;
        a.lastValue = lastValue;
        a.flatRun = flatRun;
        a.longestFlatRun = longestFlatRun;
        a.flatAtFloor = flatAtFloor;
        a.echoPeak = echoPeak;
        a.echoAge = echoAge;
        a.lastAlertTs = lastAlertTs;
        a.openSinceTs = openSinceTs;
        return a;
    }
}
