package io.onlinelstm.operator;

import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * What one forecasting operator needs to know, resolved from the job configuration.
 *
 * @param bundleSize series stepped together in one forward call (flush when reached)
 * @param maxWait longest a reading waits in a bundle before it is flushed anyway (processing time)
 * @param window length W of the training windows; the ring buffer holds W + horizon inputs so that
 *     a window and the targets that followed it are both at hand
 * @param stateTtl how long a quiet series keeps its state; zero keeps it forever
 */
public record ForecasterSettings(
        LstmConfig model,
        ComputeDevice device,
        int bundleSize,
        Duration maxWait,
        int window,
        OutOfOrderPolicy outOfOrder,
        Duration stateTtl) implements Serializable {

    public ForecasterSettings {
        if (bundleSize < 1) {
            throw new IllegalArgumentException("bundle size must be >= 1, got " + bundleSize);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("bundle max wait must be >= 0, got " + maxWait);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        if (stateTtl.isNegative()) {
            throw new IllegalArgumentException("state TTL must be >= 0 (0 = keep forever), got " + stateTtl);
        }
    }

    /** Input vectors kept per series: a window plus the targets after it. */
    public int windowCapacity() {
        return window + model.horizon();
    }

    public ForecasterSettings withBundleSize(int size) {
        return new ForecasterSettings(model, device, size, maxWait, window, outOfOrder, stateTtl);
    }
}
