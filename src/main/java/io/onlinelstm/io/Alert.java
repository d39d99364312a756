package io.onlinelstm.io;

/**
 * An anomaly alert for one series, or the record that clears it. A Flink POJO; written to Kafka as
 * JSON, keyed by series key.
 */
public class Alert {

    /** The record that opens an alert. */
    public static final String RAISED = "alert";
    /** The record that clears it: the series stayed under the threshold for the quiet period. */
    public static final String CLEARED = "alert-cleared";

    /** {@value #RAISED} or {@value #CLEARED}. */
    public String type = RAISED;
    public String key;
    public long ts;
    public double value;
    /** The forecast that was made for this reading (what the model expected); null when none was. */
    public Double forecast;
    /**
     * The expected band around the forecast: about 80 % of the series' recent forecast errors fall
     * within it; null while the series has too few scored forecasts.
     */
    public Double lower;
    public Double upper;
    public double score;
    /**
     * The part of the detector that gave the score: residual (the forecast's recent errors), spike
     * (one extreme error), season
     * (the value against its usual level at this time of day and day of the week), range (beyond every value seen) or
     * flat (a run of repeated values longer than any seen).
     */
    public String part;
    public double threshold;
    public long modelVersion;

    public Alert() {}
}
