package io.onlinelstm.operator;

import static io.onlinelstm.operator.ForecasterHarness.feed;
import static io.onlinelstm.operator.ForecasterHarness.forecasts;
import static io.onlinelstm.operator.ForecasterHarness.open;
import static io.onlinelstm.operator.ForecasterHarness.reading;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.OptimizerConfig;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.training.TrainingSettings;
import io.onlinelstm.training.VersionedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Inline training inside the forecaster: deterministic, and it follows drift. */
class InlineTrainingTest {

    private static final LstmConfig MODEL = LstmConfig.builder().hiddenSize(32).layers(1).seed(9).build();

    private static ForecasterSettings inline(VersionedModel start, boolean train) {
        ForecasterSettings base = new ForecasterSettings(MODEL, ComputeDevice.CPU, 64, Duration.ofHours(1), 24,
                OutOfOrderPolicy.DEAD_LETTER, Duration.ZERO).withInitialModel(start);
        TrainingSettings training = new TrainingSettings(4, 1.0, 4_000, 128, 128, Duration.ofHours(1), 30, 32,
                OptimizerConfig.builder().learningRate(0.005f).build(), 0.02, 256, 1.0, 0.0, 1_000);
        return train ? base.withTraining(training, true) : base;
    }

    /** 16 series; before {@code change} a slow sine (period 24), after it a fast one (period 6) with another level. */
    static List<Reading> drifting(int steps, int change, long seed) {
        Random random = new Random(seed);
        List<Reading> out = new ArrayList<>();
        double[] phase = new double[16];
        for (int k = 0; k < phase.length; k++) {
            phase[k] = random.nextDouble() * 24;
        }
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < phase.length; k++) {
                double v = t < change
                        ? 50 + 10 * Math.sin(2 * Math.PI * (t + phase[k]) / 24)
                        : 50 + 10 * Math.sin(2 * Math.PI * (t + phase[k]) / 6) * (k % 2 == 0 ? 1 : -1);
                out.add(reading("s" + k, 1_000_000L + t * 1_000L, v + 0.5 * random.nextGaussian()));
            }
        }
        return out;
    }

    @Test
    void twoRunsOfTheSameInputGiveIdenticalForecastsAndVersions() throws Exception {
        List<Reading> input = drifting(300, 150, 1);
        VersionedModel start = VersionedModel.of(0, WeightInitializer.initialize(MODEL));
        List<Forecast> a = run(inline(start, true), input);
        List<Forecast> b = run(inline(start, true), input);
        assertEquals(a.size(), b.size());
        long maxVersion = 0;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).key, b.get(i).key);
            assertEquals(a.get(i).modelVersion, b.get(i).modelVersion, "version at #" + i);
            assertEquals(a.get(i).forecast[0], b.get(i).forecast[0], 0f, "forecast #" + i);
            maxVersion = Math.max(maxVersion, a.get(i).modelVersion);
        }
        assertTrue(maxVersion >= 2, "inline training should have published versions, got " + maxVersion);
    }

    @Test
    void afterADriftTheOnlineModelBeatsAFrozenCopyOfTheSameStartingModelByHalf() throws Exception {
        // Starting model: what inline training learned on the first pattern.
        List<Reading> before = drifting(600, 600, 2);
        VersionedModel start;
        try (var h = open(inline(VersionedModel.of(0, WeightInitializer.initialize(MODEL)), true))) {
            feed(h, before);
            h.endInput();
            start = ((BundlingForecastOperator) h.getOperator()).servingModelForTests();
        }
        assertTrue(start.version() > 0, "pre-training published nothing");

        // After the change: the same start, learning on (online) or not (frozen).
        List<Reading> after = drifting(1_200, 0, 3);
        double online = mse(run(inline(start, true), after));
        double frozen = mse(run(inline(start, false), after));
        assertTrue(online <= 0.5 * frozen, "online MSE " + online + " vs frozen " + frozen);
    }

    private static List<Forecast> run(ForecasterSettings settings, List<Reading> input) throws Exception {
        try (var h = open(settings)) {
            feed(h, input);
            h.endInput();
            return forecasts(h);
        }
    }

    /** Mean squared error of the forecasts against the values that followed them. */
    static double mse(List<Forecast> forecasts) {
        double sum = 0;
        int n = 0;
        for (Forecast f : forecasts) {
            if (f.error != null) {
                sum += f.error * f.error;
                n++;
            }
        }
        return sum / n;
    }
}
