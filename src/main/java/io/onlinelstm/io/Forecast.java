package io.onlinelstm.io;

/**
 * What the job emits for every accepted reading. A Flink POJO; written to Kafka as JSON.
 */
public class Forecast {

    public String key;
    /** Event time of the reading this forecast follows. */
    public long ts;
    /** The reading's value. */
    public double value;
    /** The next {@code horizon} values, in the series' own units. */
    public float[] forecast;
    /** Version of the model that made this forecast. */
    public long modelVersion;
    /** value minus the previous forecast's first value; null for a series' first reading. */
    public Double error;
    /** value minus the previous value (the error persistence would have made); null at first. */
    public Double persistenceError;
    /** Milliseconds from the reading's arrival at the source to this forecast. */
    public long latencyMs;
    /** Anomaly score of this reading in [0, 1], from the error of the forecast made for it; 0 in warm-up. */
    public double anomalyScore;

    public Forecast() {}
}
