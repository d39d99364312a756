package io.onlinelstm.operator;

import io.onlinelstm.io.Reading;
import io.onlinelstm.state.StepState;
import io.onlinelstm.state.WindowRing;
import io.onlinelstm.training.TrainingSettings;
import io.onlinelstm.training.TrainingWindow;
import org.apache.flink.metrics.SimpleCounter;

/**
 * The training-window stage, free of Flink: keeps each series' recent normalised inputs and, every
 * {@code stride} readings of a series with enough history, cuts a completed {@link TrainingWindow}
 * (inputs and the targets that followed them). Owns the {@link WindowRing} part of the series state.
 *
 * <p>A reading the anomaly stage flagged holds windows back until it has left the ring, so the
 * model never learns an anomaly as normal.
 */
public final class WindowStage {

    private final TrainingSettings training;
    private final int window;
    private final int horizon;
    private final int features;
    private final int capacity;
    private final boolean delta;
    final SimpleCounter windowsOffered = new SimpleCounter();

    /** @param training null: windows are kept (for a later switch to training) but never cut */
    public WindowStage(TrainingSettings training, int window, int horizon, int features, ForecastTarget target) {
        this.training = training;
        this.window = window;
        this.horizon = horizon;
        this.features = features;
        this.capacity = window + horizon;
        this.delta = target == ForecastTarget.DELTA;
    }

    public WindowRing newState() {
        return WindowRing.create(capacity, features);
    }

    /** Appends the reading's normalised input. */
    public void push(WindowRing ring, float[] normalisedInput) {
        ring.push(normalisedInput);
    }

    /** Keeps windows back while the ring holds an anomalous reading. */
    public void flagAnomalous(WindowRing ring) {
        ring.hold = capacity;
    }

    /** The window this reading completes, or null (not due, not enough history, held back, or training off). */
    public TrainingWindow offer(Reading reading, WindowRing ring, StepState step, long nowMillis) {
        if (training == null) {
            return null;
        }
        if (ring.hold > 0) {
            ring.hold--;
            return null;
        }
        if (!training.offersWindow(reading.key, step.count)) {
            return null;
        }
        float[] inputs = new float[window * features];
        float[] targets = new float[window * horizon];
        // Entries hold z-scores of the level; changes are measured in the series' typical change instead.
        float perChange = delta ? (float) (step.scale(0) / step.changeScale()) : 0f;
        if (!ring.extract(features, window, horizon, perChange, inputs, targets)) {
            return null;
        }
        windowsOffered.inc();
        return new TrainingWindow(reading.key, inputs, targets, reading.ts, nowMillis);
    }
}
