package io.onlinelstm.io;

import java.util.Arrays;

/**
 * One valid observation of one series. The model's input for this event is {@code value} followed
 * by the optional extra {@code features} (so a model with F inputs takes F - 1 extra features);
 * forecasts are always of {@code value}.
 *
 * <p>Source coordinates travel along so that a record the keyed operator refuses (out of order)
 * can still be traced to its original in the dead-letter output. A Flink POJO.
 */
public class Reading {

    public String key;
    /** Event time, epoch milliseconds. */
    public long ts;
    public double value;
    /** Extra inputs after value, or null. */
    public float[] features;
    public long arrivalMillis;
    public String topic;
    public int partition;
    public long offset;

    public Reading() {}

    public Reading(String key, long ts, double value, float[] features, long arrivalMillis) {
        this.key = key;
        this.ts = ts;
        this.value = value;
        this.features = features;
        this.arrivalMillis = arrivalMillis;
    }

    /** Number of model inputs this reading provides. */
    public int inputCount() {
        return 1 + (features == null ? 0 : features.length);
    }

    @Override
    public String toString() {
        return "Reading{key=" + key + ", ts=" + ts + ", value=" + value
                + (features == null ? "" : ", features=" + Arrays.toString(features)) + '}';
    }
}
