package io.onlinelstm.operator;

import static io.onlinelstm.operator.ForecasterHarness.SMALL_MODEL;
import static io.onlinelstm.operator.ForecasterHarness.reading;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.anomaly.AnomalyDetector;
import io.onlinelstm.anomaly.AnomalySettings;
import io.onlinelstm.io.Alert;
import io.onlinelstm.io.DeadLetterReason;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.state.AnomalyState;
import io.onlinelstm.state.StepState;
import io.onlinelstm.state.WindowRing;
import io.onlinelstm.training.TrainingSettings;
import io.onlinelstm.training.TrainingWindow;
import io.onlinelstm.training.VersionedModel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each stage of the forecaster alone, with plain Java inputs. */
class StagesTest {

    @Test
    void readingBundleSplitsRepeatedSeriesIntoWavesAndListsDistinctSeriesInArrivalOrder() {
        ReadingBundle bundle = new ReadingBundle(8);
        for (String key : List.of("b", "a", "b", "c", "b", "a")) {
            bundle.add(reading(key, bundle.size(), 1));
        }
        assertEquals(3, bundle.waves());
        assertEquals(List.of(0, 0, 1, 0, 2, 1), java.util.stream.IntStream.range(0, 6).map(bundle::waveOf).boxed().toList());
        assertEquals(List.of("b", "a", "c"), java.util.stream.StreamSupport.stream(bundle.keys().spliterator(), false).toList());
        bundle.clear();
        assertEquals(0, bundle.size());
        assertEquals(0, bundle.waves());
    }

    @Test
    void stepStageScoresThePreviousForecastAndRefusesReadingsNotAfterTheLastOne() {
        StepStage step = new StepStage(SMALL_MODEL, ForecastTarget.LEVEL, OutOfOrderPolicy.DEAD_LETTER, 4);
        StepState state = step.newState();
        state.lastTs = 10;
        state.count = 1;
        state.lastValue = 3;
        state.lastForecast = new float[] {2.5f};
        assertEquals(DeadLetterReason.DUPLICATE_TS, step.refusal(reading("a", 10, 1), state));
        assertEquals(DeadLetterReason.OUT_OF_ORDER, step.refusal(reading("a", 9, 1), state));
        assertNull(step.refusal(reading("a", 11, 1), state));
        StepStage accepting = new StepStage(SMALL_MODEL, ForecastTarget.LEVEL, OutOfOrderPolicy.ACCEPT, 4);
        assertNull(accepting.refusal(reading("a", 9, 1), state));

        Forecast f = step.prepare(reading("a", 11, 4), state);
        assertEquals(1.5, f.error, 1e-9);
        assertEquals(1.0, f.persistenceError, 1e-9);
        assertEquals(2, state.count);
        assertEquals(1, step.batch().size());
    }

    @Test
    void anAlertOpensOnAJumpStaysOpenWhileAnomalousAndClearsAfterTheQuietPeriod() {
        AnomalyStage anomaly = new AnomalyStage(new AnomalySettings(0.7, 20, 100, 1, Duration.ofMillis(1_000)));
        AnomalyState state = new AnomalyState();
        StepState step = StepState.create(2, 1);
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 200; i++) {
            // Values within a fixed band: nothing new for the range part to find.
            Forecast f = forecast(random.nextGaussian() * 0.1, 9 + 2 * random.nextDouble(), i);
            boolean inAnomaly = anomaly.score(state, step, f, f.error);
            assertFalse(inAnomaly && i < 20, "no anomaly during warm-up");
            assertNull(anomaly.alert(reading("a", i, f.value), state, f, 3, 0.1, inAnomaly), "no alert on calm readings");
        }
        Forecast jump = forecast(50, 60, 5_000);
        assertTrue(anomaly.score(state, step, jump, jump.error), "a jump of 500 usual errors is anomalous: " + jump.anomalyScore);
        Alert alert = anomaly.alert(reading("a", 5_000, 60), state, jump, 3, 0.1, true);
        assertNotNull(alert);
        assertEquals(Alert.RAISED, alert.type);
        assertEquals(3, alert.modelVersion);
        assertEquals(10.0, alert.forecast, 1e-9);
        assertEquals(10.0 - 1.2816 * 0.1, alert.lower, 1e-9);
        assertEquals(10.0 + 1.2816 * 0.1, alert.upper, 1e-9);
        assertNotNull(alert.part, "the alert says which part fired");
        Forecast again = forecast(50, 110, 5_500);
        boolean againInAnomaly = anomaly.score(state, step, again, again.error);
        assertNull(anomaly.alert(reading("a", 5_500, 110), state, again, 3, 0.1, againInAnomaly),
                "the open alert is not raised again");
        Forecast calm = forecast(0.0, 10, 5_900);
        boolean calmInAnomaly = anomaly.score(state, step, calm, calm.error);
        assertNull(anomaly.alert(reading("a", 5_900, 10), state, calm, 3, 0.1, calmInAnomaly), "not quiet for long enough yet");
        Forecast later = forecast(0.0, 10, 6_600);
        boolean laterInAnomaly = anomaly.score(state, step, later, later.error);
        Alert cleared = anomaly.alert(reading("a", 6_600, 10), state, later, 3, 0.1, laterInAnomaly);
        assertNotNull(cleared, "quiet for the quiet period after the last anomalous reading (5,500)");
        assertEquals(Alert.CLEARED, cleared.type);
        assertEquals(1, anomaly.alertsRaised.getCount());
        assertEquals(1, anomaly.alertsCleared.getCount());
    }

    @Test
    void theAnomalyStageJudgesTheResidualItIsSetTo() {
        Forecast emitted = forecast(0.5);
        AnomalySettings d = AnomalySettings.defaults();
        AnomalyStage network = new AnomalyStage(new AnomalySettings(0.7, 20, 100, 1, Duration.ZERO, false,
                d.rangeTolerance(), d.parts()));
        AnomalyStage combined = new AnomalyStage(new AnomalySettings(0.7, 20, 100, 1, Duration.ZERO, true,
                d.rangeTolerance(), d.parts()));
        assertEquals(2.0, network.residual(emitted, 2.0), 1e-12);
        assertEquals(0.5, combined.residual(emitted, 2.0), 1e-12);
        assertTrue(Double.isNaN(combined.residual(new Forecast(), 2.0)), "no emitted forecast, nothing to judge");
        // The score follows the residual given, not the emitted error.
        AnomalyState state = new AnomalyState();
        StepState step = StepState.create(2, 1);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 200; i++) {
            network.score(state, step, forecast(0.0, random.nextGaussian(), i), random.nextGaussian() * 0.1);
        }
        Forecast f = forecast(0.0, 0.5, 200);
        assertTrue(network.score(state, step, f, 50), "a network residual of 500 usual errors is anomalous");
        assertTrue("residual".equals(f.anomalyPart) || "spike".equals(f.anomalyPart),
                "a residual part fired: " + f.anomalyPart);
    }

    private static Forecast forecast(double error, double value, long ts) {
        Forecast f = forecast(error);
        f.value = value;
        f.ts = ts;
        return f;
    }

    private static Forecast forecast(double error) {
        Forecast f = new Forecast();
        f.error = error;
        return f;
    }

    @Test
    void windowStageCutsAWindowEveryStrideAndHoldsBackAfterAnAnomaly() {
        TrainingSettings d = TrainingSettings.defaults();
        TrainingSettings everyTwo = new TrainingSettings(2, 1.0, d.bufferCapacity(), d.holdout(), d.trainEveryWindows(),
                d.trainEvery(), d.stepsPerRound(), d.batchSize(), d.optimizer(), d.tolerance(), d.minWindows(),
                d.maxBusyShare(), 0.0, 1_000);
        WindowStage windows = new WindowStage(everyTwo, 3, 1, 1, ForecastTarget.LEVEL);
        WindowRing ring = windows.newState();
        StepState step = StepState.create(2, 1);
        int offered = 0;
        for (int t = 1; t <= 12; t++) {
            step.count = t;
            windows.push(ring, new float[] {t});
            TrainingWindow w = windows.offer(reading("a", t, t), ring, step, 0);
            if (w != null) {
                offered++;
                assertEquals(t, w.targets[w.targets.length - 1], 0f, "the newest reading is the last target");
            }
        }
        assertTrue(offered >= 4 && offered <= 6, "about every second reading once 4 are held: " + offered);
        windows.flagAnomalous(ring);
        for (int t = 13; t <= 16; t++) {
            step.count = t;
            windows.push(ring, new float[] {t});
            assertNull(windows.offer(reading("a", t, t), ring, step, 0), "held back while the anomaly is in the ring");
        }
        WindowStage off = new WindowStage(null, 3, 1, 1, ForecastTarget.LEVEL);
        assertNull(off.offer(reading("a", 17, 17), ring, step, 0), "training off: no windows");
    }

    @Test
    void modelHolderTakesOnlyNewerVersionsAndRefusesAnotherArchitecture() {
        VersionedModel start = VersionedModel.of(2, WeightInitializer.initialize(SMALL_MODEL));
        try (ModelHolder holder = new ModelHolder(SMALL_MODEL, start, ComputeDevice.CPU, null, null)) {
            assertFalse(holder.isNewer(ModelUpdateTest.update(2, WeightInitializer.initialize(SMALL_MODEL))));
            assertEquals(1, holder.updatesIgnored.getCount());
            ModelUpdate bigger = ModelUpdateTest.update(3,
                    WeightInitializer.initialize(SMALL_MODEL.toBuilder().hiddenSize(16).build()));
            assertTrue(holder.isNewer(bigger));
            holder.apply(bigger);
            assertEquals(2, holder.version());
            assertEquals(1, holder.updatesRefused.getCount());
            holder.apply(ModelUpdateTest.update(4, WeightInitializer.initialize(SMALL_MODEL.toBuilder().seed(9).build())));
            assertEquals(4, holder.version());
            VersionedModel round = ModelHolder.decode(ModelHolder.encode(holder.serving()));
            assertEquals(4, round.version());
            assertEquals(holder.serving().checksum(), round.checksum());
        }
    }
}
