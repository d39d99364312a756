package io.onlinelstm.job;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.operator.BundlingForecastOperator;
import io.onlinelstm.operator.ForecasterSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** The forecasts an uninterrupted job makes for the fault tests' readings, computed in this JVM. */
final class ReferenceRun {

    private ReferenceRun() {}

    static double value(int k, int t) {
        return 10 + k + 3 * Math.sin(2 * Math.PI * (t + k) / 24.0) + 0.01 * ((t * 7 + k * 13) % 11);
    }

    static String json(int k, int t) {
        return "{\"key\":\"s" + k + "\",\"ts\":" + (1_000_000L + t * 1_000L) + ",\"value\":" + value(k, t) + "}";
    }

    /** key@ts -> first forecast value, with the job's settings for these options. */
    static Map<String, Double> forecasts(int keys, int perKey, int hiddenSize) throws Exception {
        // A level network: its forecasts depend on the LSTM state and the normaliser, which a restore must bring back.
        java.nio.file.Path emptyStore = java.nio.file.Files.createTempDirectory("online-lstm-reference-store");
        JobConfig config = JobConfig.defaults().with(Map.of("model.hidden-size", String.valueOf(hiddenSize),
                "training.mode", "off", "forecaster.target", "level", "model.store", emptyStore.toUri().toString()));
        ForecasterSettings settings = config.forecaster().withInitialModel(config.initialModel()).withBundleSize(1);
        java.nio.file.Files.deleteIfExists(emptyStore);
        Map<String, Double> out = new HashMap<>();
        try (KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new BundlingForecastOperator(settings), r -> r.key, Types.STRING)) {
            h.open();
            for (int t = 0; t < perKey; t++) {
                for (int k = 0; k < keys; k++) {
                    long ts = 1_000_000L + t * 1_000L;
                    h.processElement(new StreamRecord<>(new Reading("s" + k, ts, value(k, t), null, 0), ts));
                }
            }
            for (Forecast f : h.extractOutputValues()) {
                out.put(f.key + "@" + f.ts, (double) f.forecast[0]);
            }
        }
        return out;
    }
}
