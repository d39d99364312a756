package io.onlinelstm.operator;

import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.StepBatch;
import java.util.function.BiConsumer;

/** Builds the forecaster's stages from its settings. */
final class ForecasterStages {

    /** Scored forecasts between two live-error reports of one forecaster. */
    static final int LIVE_ERROR_REPORT_EVERY = 1_000;

    private ForecasterStages() {}

    static BundleFunction bundleFunction(ForecasterSettings settings, BiConsumer<LstmModel, StepBatch> advance) {
        StepStage step = new StepStage(settings.model(), settings.target(), settings.outOfOrder(), settings.bundleSize());
        WindowStage windows = new WindowStage(settings.training(), settings.window(), settings.model().horizon(),
                settings.model().features(), settings.target());
        AnomalyStage anomaly = settings.anomaly() == null ? null : new AnomalyStage(settings.anomaly());
        CombineStage combine = settings.combine() == null ? null : new CombineStage(settings.combine());
        // The trainer judges versions by their live error: only useful when it is a separate operator.
        boolean reportLiveErrors = settings.training() != null && !settings.inlineTraining()
                && settings.training().rollbackEnabled();
        LiveErrorTracker liveErrors = reportLiveErrors ? new LiveErrorTracker(LIVE_ERROR_REPORT_EVERY) : null;
        return new BundleFunction(settings.bundleSize(), step, windows, anomaly, combine, liveErrors, advance);
    }
}
