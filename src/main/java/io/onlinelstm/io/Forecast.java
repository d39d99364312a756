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
    /**
     * The next {@code horizon} values, in the series' own units. With forecaster.combine each is the
     * combination of the network, the online autoregression (iterated for later steps) and
     * persistence, with the first step's {@link #weights}.
     */
    public float[] forecast;
    /** Weights of the members in the combined forecast (learnt on its first value); null when combining is off. */
    public MemberWeights weights;
    /**
     * Central 80 % interval around the first value, from the series' recent residuals of the
     * combined forecast (discounted residual scale x 1.2816); null when combining is off or while
     * the series has fewer than about ten scored forecasts.
     */
    public Double lower;
    public Double upper;
    /** Version of the model that made this forecast. */
    public long modelVersion;
    /** value minus the previous forecast's first value (the one emitted: combined when combining); null at first. */
    public Double error;
    /** value minus the previous value (the error persistence would have made); null at first. */
    public Double persistenceError;
    /** Milliseconds from the reading's arrival at the source to this forecast. */
    public long latencyMs;
    /**
     * Anomaly score of this reading in [0, 1] (see docs/operations.md, anomaly detection): the
     * highest of the detector's parts; 0 in warm-up and when anomaly detection is off.
     */
    public double anomalyScore;
    /** The part of the detector that gave the score, for the alert; not part of the record. */
    public transient String anomalyPart;

    public Forecast() {}
}
