package io.onlinelstm.training;

/**
 * W consecutive normalised inputs of one series and, for each, the {@code horizon} normalised
 * values that followed it. Emitted only once every target has been observed, so training on it
 * never looks ahead of what the forecaster had seen. A Flink POJO.
 */
public class TrainingWindow {

    public String key;
    /** W x features, oldest step first. */
    public float[] inputs;
    /** W x horizon: for step t, the next horizon values (normalised) after it. */
    public float[] targets;
    /** Event time of the newest target. */
    public long ts;
    /** Wall-clock time the window was completed (for staleness: window arrival to serving). */
    public long createdAt;

    public TrainingWindow() {}

    public TrainingWindow(String key, float[] inputs, float[] targets, long ts, long createdAt) {
        this.key = key;
        this.inputs = inputs;
        this.targets = targets;
        this.ts = ts;
        this.createdAt = createdAt;
    }
}
