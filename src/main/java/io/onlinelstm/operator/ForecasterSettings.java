package io.onlinelstm.operator;

import io.onlinelstm.anomaly.AnomalySettings;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.training.TrainingSettings;
import io.onlinelstm.training.VersionedModel;
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
 * @param training how windows are offered for training; null: no windows, no training
 * @param inlineTraining train inside this operator, synchronously (bounded replays at parallelism 1)
 * @param initialModel the model to start from when there is no checkpoint; null: fresh from the seed
 * @param target whether the network forecasts levels or changes from the current value
 * @param anomaly how residuals become anomaly scores and alerts; null: no scoring
 * @param combine how the network is combined with an online autoregression and persistence; null:
 *     the network's forecast is emitted as it is
 */
public record ForecasterSettings(
        LstmConfig model,
        ComputeDevice device,
        int bundleSize,
        Duration maxWait,
        int window,
        OutOfOrderPolicy outOfOrder,
        Duration stateTtl,
        TrainingSettings training,
        boolean inlineTraining,
        VersionedModel initialModel,
        ForecastTarget target,
        AnomalySettings anomaly,
        CombineSettings combine) implements Serializable {

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
        if (target == null) {
            throw new IllegalArgumentException("forecast target must be level or delta");
        }
        if (inlineTraining && training == null) {
            throw new IllegalArgumentException("inline training needs training settings");
        }
    }

    /** Forecasting only: no training windows. */
    public ForecasterSettings(LstmConfig model, ComputeDevice device, int bundleSize, Duration maxWait, int window,
                              OutOfOrderPolicy outOfOrder, Duration stateTtl) {
        this(model, device, bundleSize, maxWait, window, outOfOrder, stateTtl, null, false, null, ForecastTarget.LEVEL, null,
                null);
    }

    /** Input vectors kept per series: a window plus the targets after it. */
    public int windowCapacity() {
        return window + model.horizon();
    }

    public ForecasterSettings withBundleSize(int size) {
        return new ForecasterSettings(model, device, size, maxWait, window, outOfOrder, stateTtl, training,
                inlineTraining, initialModel, target, anomaly, combine);
    }

    public ForecasterSettings withTraining(TrainingSettings settings, boolean inline) {
        return new ForecasterSettings(model, device, bundleSize, maxWait, window, outOfOrder, stateTtl, settings,
                inline, initialModel, target, anomaly, combine);
    }

    public ForecasterSettings withInitialModel(VersionedModel initial) {
        return new ForecasterSettings(model, device, bundleSize, maxWait, window, outOfOrder, stateTtl, training,
                inlineTraining, initial, target, anomaly, combine);
    }

    public ForecasterSettings withTarget(ForecastTarget newTarget) {
        return new ForecasterSettings(model, device, bundleSize, maxWait, window, outOfOrder, stateTtl, training,
                inlineTraining, initialModel, newTarget, anomaly, combine);
    }

    /** Bundles that close only on size, barriers, watermarks and end of input: for deterministic replays. */
    public ForecasterSettings withoutMaxWait() {
        return new ForecasterSettings(model, device, bundleSize, Duration.ofDays(365), window, outOfOrder, stateTtl,
                training, inlineTraining, initialModel, target, anomaly, combine);
    }

    public ForecasterSettings withAnomaly(AnomalySettings settings) {
        return new ForecasterSettings(model, device, bundleSize, maxWait, window, outOfOrder, stateTtl, training,
                inlineTraining, initialModel, target, settings, combine);
    }

    /** @param settings null: emit the network's forecast as it is */
    public ForecasterSettings withCombine(CombineSettings settings) {
        return new ForecasterSettings(model, device, bundleSize, maxWait, window, outOfOrder, stateTtl, training,
                inlineTraining, initialModel, target, anomaly, settings);
    }
}
