package io.onlinelstm.operator;

import static io.onlinelstm.operator.ForecasterHarness.SMALL_MODEL;
import static io.onlinelstm.operator.ForecasterHarness.feed;
import static io.onlinelstm.operator.ForecasterHarness.forecasts;
import static io.onlinelstm.operator.ForecasterHarness.open;
import static io.onlinelstm.operator.ForecasterHarness.reading;
import static io.onlinelstm.operator.ForecasterHarness.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.model.WeightsCodec;
import io.onlinelstm.io.ModelUpdate;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/** Hot swap of announced versions into the forecaster. */
class ModelUpdateTest {

    private static final Duration NEVER = Duration.ofHours(1);

    static ModelUpdate update(long version, ModelWeights weights) {
        ModelUpdate u = new ModelUpdate();
        u.version = version;
        u.weights = WeightsCodec.encode(weights);
        u.checksum = WeightsCodec.checksum(u.weights);
        u.newestWindowAt = System.currentTimeMillis();
        return u;
    }

    private static ModelWeights otherWeights() {
        return WeightInitializer.initialize(SMALL_MODEL.toBuilder().seed(1234).build());
    }

    @Test
    void aNewVersionIsSwappedInBetweenBundlesAndStampedOnEveryForecast() throws Exception {
        try (var h = open(settings(100, NEVER))) {
            feed(h, List.of(reading("a", 1, 1), reading("b", 1, 2)));
            BundlingForecastOperator op = (BundlingForecastOperator) h.getOperator();
            op.applyModelUpdate(update(1, otherWeights()));
            feed(h, List.of(reading("a", 2, 1.5), reading("b", 2, 2.5)));
            h.endInput();
            List<Forecast> out = forecasts(h);
            // The bundle pending at the update was finished on version 0.
            assertEquals(List.of(0L, 0L, 1L, 1L), out.stream().map(f -> f.modelVersion).toList());
            assertEquals(1, op.modelVersion());
        }
    }

    @Test
    void forecastsAfterTheSwapAreThoseOfTheNewWeights() throws Exception {
        List<io.onlinelstm.io.Reading> input = List.of(reading("a", 1, 1), reading("a", 2, 3), reading("a", 3, 2));
        List<Forecast> expected;
        try (var h = open(settings(1, NEVER).withInitialModel(io.onlinelstm.training.VersionedModel.of(1, otherWeights())))) {
            feed(h, input);
            expected = forecasts(h);
        }
        try (var h = open(settings(1, NEVER))) {
            ((BundlingForecastOperator) h.getOperator()).applyModelUpdate(update(1, otherWeights()));
            feed(h, input);
            List<Forecast> actual = forecasts(h);
            for (int i = 0; i < input.size(); i++) {
                assertEquals(expected.get(i).forecast[0], actual.get(i).forecast[0], 0f);
                assertEquals(1L, actual.get(i).modelVersion);
            }
        }
    }

    @Test
    void olderVersionsAreIgnored() throws Exception {
        try (var h = open(settings(1, NEVER))) {
            BundlingForecastOperator op = (BundlingForecastOperator) h.getOperator();
            op.applyModelUpdate(update(3, otherWeights()));
            op.applyModelUpdate(update(2, WeightInitializer.initialize(SMALL_MODEL)));
            op.applyModelUpdate(update(3, WeightInitializer.initialize(SMALL_MODEL)));
            assertEquals(3, op.modelVersion());
        }
    }

    @Test
    void incompatibleOrCorruptModelsAreRefusedAndTheRunningOneStays() throws Exception {
        try (var h = open(settings(1, NEVER))) {
            BundlingForecastOperator op = (BundlingForecastOperator) h.getOperator();
            feed(h, List.of(reading("a", 1, 1)));
            LstmConfig bigger = SMALL_MODEL.toBuilder().hiddenSize(16).build();
            op.applyModelUpdate(update(5, WeightInitializer.initialize(bigger)));
            assertEquals(0, op.modelVersion(), "a model of another architecture must be refused");
            ModelUpdate corrupt = update(6, otherWeights());
            corrupt.weights[corrupt.weights.length / 2] ^= 1;
            op.applyModelUpdate(corrupt);
            assertEquals(0, op.modelVersion(), "a model failing its checksum must be refused");
            feed(h, List.of(reading("a", 2, 2)));
            assertEquals(List.of(0L, 0L), forecasts(h).stream().map(f -> f.modelVersion).toList());
        }
    }

    @Test
    void restoreFromACheckpointKeepsTheServingVersion() throws Exception {
        OperatorSubtaskState checkpoint;
        Forecast before;
        try (var h = open(settings(1, NEVER))) {
            ((BundlingForecastOperator) h.getOperator()).applyModelUpdate(update(4, otherWeights()));
            feed(h, List.of(reading("a", 1, 1)));
            checkpoint = h.snapshot(1, 1);
            feed(h, List.of(reading("a", 2, 2)));
            before = forecasts(h).get(1);
        }
        try (var h = open(settings(1, NEVER), checkpoint)) {
            assertEquals(4, ((BundlingForecastOperator) h.getOperator()).modelVersion());
            feed(h, List.of(reading("a", 2, 2)));
            Forecast after = forecasts(h).get(0);
            assertEquals(4, after.modelVersion);
            assertEquals(before.forecast[0], after.forecast[0], 0f);
            assertNotEquals(null, after.error);
        }
    }

    @Test
    void liveErrorsAreReportedForTheVersionThatMadeEachForecast() throws Exception {
        io.onlinelstm.training.TrainingSettings d = io.onlinelstm.training.TrainingSettings.defaults();
        io.onlinelstm.training.TrainingSettings withRollback = new io.onlinelstm.training.TrainingSettings(
                d.stride(), d.sampleRate(), d.bufferCapacity(), d.holdout(), d.trainEveryWindows(), d.trainEvery(),
                d.stepsPerRound(), d.batchSize(), d.optimizer(), d.tolerance(), d.minWindows(), d.maxBusyShare(),
                0.1, 100);
        try (var h = open(settings(1, NEVER).withTraining(withRollback, false))) {
            BundlingForecastOperator op = (BundlingForecastOperator) h.getOperator();
            java.util.List<io.onlinelstm.io.Reading> first = new java.util.ArrayList<>();
            java.util.List<io.onlinelstm.io.Reading> second = new java.util.ArrayList<>();
            for (int t = 0; t < 600; t++) {
                first.add(reading("a", t, Math.sin(t / 5.0)));
                second.add(reading("a", 600 + t, Math.sin((600 + t) / 5.0)));
            }
            feed(h, first);
            op.applyModelUpdate(update(1, otherWeights()));
            feed(h, second);
            java.util.Map<Long, Long> counts = new java.util.HashMap<>();
            for (var r : h.getSideOutput(BundlingForecastOperator.LIVE_ERRORS)) {
                counts.merge(r.getValue().version, r.getValue().count, Long::sum);
            }
            // 1,199 scored forecasts, one report after 1,000: the first reading after the swap is
            // scored against a forecast version 0 made.
            assertEquals(java.util.Map.of(0L, 600L, 1L, 400L), counts);
        }
    }
}
