package io.onlinelstm.operator;

import io.onlinelstm.io.Alert;
import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.DeadLetterReason;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.state.SeriesState;
import io.onlinelstm.state.SeriesStateSerializer;
import io.onlinelstm.training.LiveErrorReport;
import io.onlinelstm.training.TrainingWindow;
import io.onlinelstm.training.VersionedModel;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * What one series' state weighs in a checkpoint, part by part: a series runs through the
 * forecaster's own stages (step, windows, anomaly) until every part has its full size, and its
 * state is serialized as the forecaster stores it. For the state budget (bench state).
 */
public final class StateFootprint {

    private static final long READING_INTERVAL_MS = 15 * 60_000L;

    private StateFootprint() {}

    /** Serialized bytes by part after {@code readings} readings of one series, with these settings. */
    public static Map<String, Integer> ofOneSeries(ForecasterSettings settings, int readings) throws IOException {
        ForecasterSettings one = settings.withBundleSize(1);
        BundleFunction function = ForecasterStages.bundleFunction(one, (model, batch) -> model.step(batch));
        VersionedModel start = one.initialModel() != null ? one.initialModel()
                : VersionedModel.of(0, WeightInitializer.initialize(one.model()));
        Map<String, SeriesState> states = new HashMap<>();
        states.put("series", function.newState());
        ReadingBundle bundle = new ReadingBundle(1);
        try (ModelHolder holder = new ModelHolder(one.model(), start, ComputeDevice.CPU, null, null)) {
            for (int t = 0; t < readings; t++) {
                bundle.clear();
                // A reading every 15 minutes: 2,000 of them span three weeks, so the parts that fill
                // in event time (the daily profile, the week profile from a series' second week) are full.
                bundle.add(new Reading("series", READING_INTERVAL_MS * t, 10 + Math.sin(t / 5.0), features(one, t), 0));
                function.run(bundle, states, holder, DISCARD, new java.util.HashSet<>());
            }
        }
        return SeriesStateSerializer.bytesByPart(states.get("series"));
    }

    private static float[] features(ForecasterSettings settings, int t) {
        int extra = settings.model().features() - 1;
        if (extra == 0) {
            return null;
        }
        float[] f = new float[extra];
        java.util.Arrays.fill(f, (float) Math.cos(t / 7.0));
        return f;
    }

    private static final BundleFunction.Outputs DISCARD = new BundleFunction.Outputs() {
        @Override
        public void forecast(Forecast forecast, long ts) {}

        @Override
        public void deadLetter(DeadLetter letter, DeadLetterReason reason, long ts) {}

        @Override
        public void alert(Alert alert, long ts) {}

        @Override
        public void window(TrainingWindow window, long ts) {}

        @Override
        public void liveError(LiveErrorReport report) {}

        @Override
        public void stepped(long micros, int rows) {}
    };
}
