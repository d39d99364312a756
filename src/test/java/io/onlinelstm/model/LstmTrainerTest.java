package io.onlinelstm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LstmTrainerTest {

    /** Default architecture; 300 Adam steps on batches of 32 windows of 32 steps. */
    private static final int STEPS = 300;
    /**
     * The variance of a unit sine is 0.5, and the noise alone costs 0.01 (sd 0.1 on the target)
     * plus what noisy inputs add; a model that learned the wave lands well under 0.05.
     */
    private static final float LOSS_BOUND = 0.05f;

    @Test
    void trainingOnNoisySineLowersHeldOutLossBelowBound() {
        LstmConfig config = LstmConfig.defaults();
        try (LstmModel model = LstmModel.create(config, ComputeDevice.CPU);
                LstmTrainer trainer = new LstmTrainer(model, OptimizerConfig.builder().learningRate(0.01f).build())) {
            NoisySine heldOut = NoisySine.windows(new Random(1234), 64, 32);
            float before = trainer.evaluate(heldOut.inputs, heldOut.targets, heldOut.batch, heldOut.window);
            trainFor(trainer, STEPS, new Random(77));
            float after = trainer.evaluate(heldOut.inputs, heldOut.targets, heldOut.batch, heldOut.window);
            assertTrue(before > 0.3f, "untrained loss should be near the variance of the wave, was " + before);
            assertTrue(after < LOSS_BOUND, "held-out MSE after " + STEPS + " steps was " + after + " (before " + before + ")");
            assertEquals(STEPS, trainer.steps());
        }
    }

    @Test
    void twoRunsWithOneSeedGiveIdenticalWeights() {
        ModelWeights first = trainedWeights(25);
        ModelWeights second = trainedWeights(25);
        assertTrue(first.sameValues(second), "weights differ between two identical runs");
        ModelWeights initial = WeightInitializer.initialize(LstmConfig.defaults());
        assertFalse(first.sameValues(initial), "training did not change the weights");
    }

    @Test
    void restoredOptimizerStateContinuesExactlyLikeAnUninterruptedRun() {
        LstmConfig config = LstmConfig.builder().hiddenSize(16).build();
        OptimizerConfig opt = OptimizerConfig.defaults();
        ModelWeights straight;
        try (LstmModel model = LstmModel.create(config, ComputeDevice.CPU);
                LstmTrainer trainer = new LstmTrainer(model, opt)) {
            trainFor(trainer, 10, new Random(5));
            straight = model.weights();
        }
        Random data = new Random(5);
        ModelWeights halfway;
        LstmTrainer.AdamState state;
        try (LstmModel model = LstmModel.create(config, ComputeDevice.CPU);
                LstmTrainer trainer = new LstmTrainer(model, opt)) {
            trainFor(trainer, 5, data);
            halfway = model.weights();
            state = trainer.exportState();
        }
        try (LstmModel model = LstmModel.create(halfway, ComputeDevice.CPU);
                LstmTrainer trainer = new LstmTrainer(model, opt)) {
            trainer.restoreState(state);
            trainFor(trainer, 5, data);
            assertTrue(straight.sameValues(model.weights()), "resumed run diverged from the uninterrupted one");
            assertEquals(10, trainer.steps());
        }
    }

    @Test
    void nonFiniteLossIsSkippedAndLeavesWeightsUntouched() {
        LstmConfig config = LstmConfig.builder().hiddenSize(8).build();
        try (LstmModel model = LstmModel.create(config, ComputeDevice.CPU);
                LstmTrainer trainer = new LstmTrainer(model, OptimizerConfig.defaults())) {
            NoisySine w = NoisySine.windows(new Random(2), 4, 8);
            ModelWeights before = model.weights();
            float[] poisoned = w.inputs.clone();
            poisoned[3] = Float.NaN;
            LstmTrainer.TrainStepResult result = trainer.trainStep(poisoned, w.targets, w.batch, w.window);
            assertFalse(result.applied());
            assertTrue(Float.isNaN(result.loss()));
            assertTrue(before.sameValues(model.weights()), "a NaN step changed the weights");
            assertEquals(1, trainer.skippedSteps());
            // The next good step trains normally: the NaN gradient was not left behind.
            LstmTrainer.TrainStepResult good = trainer.trainStep(w.inputs, w.targets, w.batch, w.window);
            assertTrue(good.applied());
            assertTrue(model.weights().allFinite());
        }
    }

    @Test
    void clippingBoundsTheUpdateOfAHugeGradient() {
        LstmConfig config = LstmConfig.builder().hiddenSize(8).build();
        NoisySine w = NoisySine.windows(new Random(4), 8, 16);
        float[] scaled = w.targets.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= 1e4f;
        }
        try (LstmModel model = LstmModel.create(config, ComputeDevice.CPU);
                LstmTrainer trainer = new LstmTrainer(model, OptimizerConfig.builder().clipNorm(1f).build())) {
            LstmTrainer.TrainStepResult result = trainer.trainStep(w.inputs, scaled, w.batch, w.window);
            assertTrue(result.applied());
            assertTrue(result.gradientNorm() > 1e3f, "test needs a large gradient, got " + result.gradientNorm());
            assertTrue(model.weights().allFinite());
        }
    }

    private static ModelWeights trainedWeights(int steps) {
        try (LstmModel model = LstmModel.create(LstmConfig.defaults(), ComputeDevice.CPU);
                LstmTrainer trainer = new LstmTrainer(model, OptimizerConfig.defaults())) {
            trainFor(trainer, steps, new Random(99));
            return model.weights();
        }
    }

    private static void trainFor(LstmTrainer trainer, int steps, Random random) {
        for (int s = 0; s < steps; s++) {
            NoisySine w = NoisySine.windows(random, 32, 32);
            LstmTrainer.TrainStepResult r = trainer.trainStep(w.inputs, w.targets, w.batch, w.window);
            assertTrue(r.applied(), "step " + s + " skipped: " + r + " " + Arrays.toString(new float[] {r.loss()}));
        }
    }
}
