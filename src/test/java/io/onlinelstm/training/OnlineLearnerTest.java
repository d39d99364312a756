package io.onlinelstm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.OptimizerConfig;
import io.onlinelstm.model.WeightInitializer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnlineLearnerTest {

    private static final LstmConfig CONFIG = LstmConfig.builder().hiddenSize(16).layers(1).seed(5).build();

    static TrainingSettings settings(OptimizerConfig optimizer) {
        return new TrainingSettings(1, 1.0, 2_000, 64, 128, Duration.ofHours(1), 20, 32, optimizer, 0.02, 256, 1.0, 0.0, 1_000);
    }

    @Test
    void learnableWindowsGiveNewVersionsWithLowerValidationLoss() {
        ModelWeights initial = WeightInitializer.initialize(CONFIG);
        try (OnlineLearner learner = new OnlineLearner(initial, 0, ComputeDevice.CPU,
                settings(OptimizerConfig.builder().learningRate(0.01f).build()))) {
            RoundOutcome first = null;
            RoundOutcome last = null;
            for (TrainingWindow w : Windows.sine(1_500, 24, 24, 1)) {
                learner.offer(w);
                if (learner.due(-1)) {
                    last = learner.trainRound(0);
                    first = first == null ? last : first;
                }
            }
            assertNotNull(last);
            assertTrue(learner.version() >= 3, "versions published: " + learner.version());
            assertEquals(learner.version(), learner.published());
            assertTrue(last.servingLoss() < first.servingLoss() * 0.5,
                    "serving validation loss " + first.servingLoss() + " -> " + last.servingLoss());
            assertFalse(learner.servingWeights().sameValues(initial));
        }
    }

    @Test
    void aDivergingTrainerNeverPublishesAndKeepsTheServingModel() {
        ModelWeights initial = WeightInitializer.initialize(CONFIG);
        // An absurd learning rate without clipping blows the weights up.
        OptimizerConfig absurd = OptimizerConfig.builder().learningRate(1e4f).clipNorm(0f).build();
        try (OnlineLearner learner = new OnlineLearner(initial, 7, ComputeDevice.CPU, settings(absurd))) {
            int rounds = 0;
            for (TrainingWindow w : Windows.sine(1_000, 24, 24, 2)) {
                learner.offer(w);
                if (learner.due(-1)) {
                    RoundOutcome o = learner.trainRound(0);
                    rounds++;
                    assertFalse(o.published(), "published a diverged candidate: " + o);
                    assertNotNull(o.reason());
                }
            }
            assertTrue(rounds >= 3);
            assertEquals(rounds, learner.rejected());
            assertEquals(7, learner.version(), "version must not move");
            assertTrue(learner.servingWeights().sameValues(initial), "serving weights changed");
        }
    }

    @Test
    void windowsWithNaNAreRefusedAndNeverTrainedOn() {
        ModelWeights initial = WeightInitializer.initialize(CONFIG);
        try (OnlineLearner learner = new OnlineLearner(initial, 0, ComputeDevice.CPU, settings(OptimizerConfig.defaults()))) {
            List<TrainingWindow> windows = Windows.sine(400, 24, 24, 3);
            for (TrainingWindow w : windows) {
                w.targets[5] = Float.NaN;
                assertFalse(learner.offer(w));
            }
            assertEquals(400, learner.refusedWindows());
            assertEquals(0, learner.bufferSize());
            assertFalse(learner.due(-1));
            assertEquals(0, learner.published());
        }
    }

    @Test
    void aRestoredLearnerContinuesExactlyLikeTheOriginal() {
        ModelWeights initial = WeightInitializer.initialize(CONFIG);
        TrainingSettings s = settings(OptimizerConfig.builder().learningRate(0.01f).build());
        List<TrainingWindow> windows = Windows.sine(1_200, 24, 24, 4);
        try (OnlineLearner original = new OnlineLearner(initial, 0, ComputeDevice.CPU, s);
                OnlineLearner restored = new OnlineLearner(initial, 0, ComputeDevice.CPU, s)) {
            feed(original, windows.subList(0, 600));
            restored.restore(original.snapshot());
            assertEquals(original.version(), restored.version());
            assertEquals(original.bufferSize(), restored.bufferSize());
            assertTrue(original.version() > 0);
            feed(original, windows.subList(600, 1_200));
            feed(restored, windows.subList(600, 1_200));
            assertEquals(original.version(), restored.version());
            assertTrue(original.servingWeights().sameValues(restored.servingWeights()),
                    "restored learner diverged from the original");
        }
    }

    private static void feed(OnlineLearner learner, List<TrainingWindow> windows) {
        for (TrainingWindow w : windows) {
            learner.offer(w);
            if (learner.due(-1)) {
                learner.trainRound(0);
            }
        }
    }

    /** The job's schedule (first round after 8 windows, then a quarter of the windows so far) on a small buffer. */
    static TrainingSettings growing(OptimizerConfig optimizer) {
        return new TrainingSettings(1, 1.0, 2_000, 64, 512, Duration.ZERO, 20, 32, optimizer, 0.02, 8, 1.0, 0.0, 1_000,
                0.25);
    }

    /** Windows received at each round: 8, then each time a quarter more (rounded up). */
    private static final List<Integer> GROWING_ROUNDS = List.of(8, 10, 13, 17, 22, 28, 35, 44, 55, 69, 87, 109, 137, 172);

    @Test
    void withoutAClockTheFirstRoundComesAfterMinWindowsAndRoundsAreSpacedByWindows() {
        try (OnlineLearner learner = new OnlineLearner(WeightInitializer.initialize(CONFIG), 0, ComputeDevice.CPU,
                growing(OptimizerConfig.defaults()))) {
            assertEquals(GROWING_ROUNDS, roundsAt(learner, Windows.sine(200, 24, 24, 7), i -> -1L));
        }
    }

    @Test
    void aClockChangesNothingWhenTrainingEveryIsOff() {
        // An hour between windows, as on a slow live feed: with training.every 0 time starts no round, so a
        // live job trains after the same windows as a replay of them.
        long base = System.currentTimeMillis();
        try (OnlineLearner learner = new OnlineLearner(WeightInitializer.initialize(CONFIG), 0, ComputeDevice.CPU,
                growing(OptimizerConfig.defaults()))) {
            assertEquals(GROWING_ROUNDS, roundsAt(learner, Windows.sine(200, 24, 24, 7), i -> base + i * 3_600_000L));
        }
    }

    @Test
    void aRestoredLearnerKeepsTheGrowingSchedule() {
        ModelWeights initial = WeightInitializer.initialize(CONFIG);
        TrainingSettings s = growing(OptimizerConfig.defaults());
        List<TrainingWindow> windows = Windows.sine(200, 24, 24, 8);
        try (OnlineLearner original = new OnlineLearner(initial, 0, ComputeDevice.CPU, s);
                OnlineLearner restored = new OnlineLearner(initial, 0, ComputeDevice.CPU, s)) {
            // 30 windows: rounds at 8 ... 28, two windows into the wait for the one at 35.
            feed(original, windows.subList(0, 30));
            restored.restore(original.snapshot());
            assertEquals(original.windowsBeforeNextRound(), restored.windowsBeforeNextRound());
            assertEquals(7, restored.windowsBeforeNextRound());
            List<Integer> expected = GROWING_ROUNDS.stream().filter(r -> r > 30).map(r -> r - 30).toList();
            assertEquals(expected, roundsAt(restored, windows.subList(30, 200), i -> -1L));
        }
    }

    @Test
    void onAYoungBufferTheGateStillJudgesOnHeldOutWindows() {
        // The first round comes after 8 windows: 2 are held out (a quarter), 6 trained on. A diverged candidate
        // must still be refused there, and a learnable one published.
        try (OnlineLearner learner = new OnlineLearner(WeightInitializer.initialize(CONFIG), 0, ComputeDevice.CPU,
                growing(OptimizerConfig.builder().learningRate(1e4f).clipNorm(0f).build()))) {
            Windows.sine(8, 24, 24, 9).forEach(learner::offer);
            assertTrue(learner.due(-1));
            RoundOutcome o = learner.trainRound(0);
            assertFalse(o.published(), "published a diverged candidate judged on 2 windows: " + o);
            assertEquals(0, learner.version());
        }
        try (OnlineLearner learner = new OnlineLearner(WeightInitializer.initialize(CONFIG), 0, ComputeDevice.CPU,
                growing(OptimizerConfig.builder().learningRate(0.01f).build()))) {
            Windows.sine(7, 24, 24, 9).forEach(learner::offer);
            assertFalse(learner.due(-1), "due before min-windows");
            learner.offer(Windows.sine(8, 24, 24, 9).get(7));
            assertTrue(learner.due(-1));
            RoundOutcome o = learner.trainRound(0);
            assertTrue(o.published(), "a learnable first round was refused: " + o);
            assertTrue(o.candidateLoss() < o.servingLoss(), o.toString());
        }
    }

    /** Feeds windows, training when due; returns how many windows had been offered at each round. */
    private static List<Integer> roundsAt(OnlineLearner learner, List<TrainingWindow> windows,
                                          java.util.function.IntToLongFunction clock) {
        List<Integer> rounds = new java.util.ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            learner.offer(windows.get(i));
            long now = clock.applyAsLong(i);
            if (learner.due(now)) {
                learner.trainRound(now);
                rounds.add(i + 1);
            }
        }
        return rounds;
    }

    @Test
    void withAClockTheTrainerRestsToKeepItsBusyShare() {
        TrainingSettings d = settings(OptimizerConfig.defaults());
        TrainingSettings halfBusy = new TrainingSettings(d.stride(), d.sampleRate(), d.bufferCapacity(), d.holdout(),
                1, d.trainEvery(), d.stepsPerRound(), d.batchSize(), d.optimizer(), d.tolerance(), d.minWindows(),
                0.5, 0, 1);
        try (OnlineLearner learner = new OnlineLearner(WeightInitializer.initialize(CONFIG), 0, ComputeDevice.CPU, halfBusy)) {
            Windows.sine(400, 24, 24, 5).forEach(learner::offer);
            long start = System.currentTimeMillis();
            assertTrue(learner.due(start));
            learner.trainRound(start);
            long busy = System.currentTimeMillis() - start;
            learner.offer(Windows.sine(1, 24, 24, 6).get(0));
            assertFalse(learner.due(start + busy), "due again right after a round");
            assertTrue(learner.due(start + 2 * busy + 1), "should be due after resting as long as it worked");
            assertTrue(learner.due(-1), "without a clock (inline) only the window count matters");
        }
    }
}
