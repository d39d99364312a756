package io.onlinelstm.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fine-tunes an {@link LstmModel} in place: truncated back-propagation through time over windows
 * that start from zero state, MSE loss, gradients clipped by their global norm, then Adam.
 *
 * <p>The Adam moments are arrays owned here rather than hidden inside a DJL optimizer, so they can
 * be exported and restored with a checkpoint ({@link #exportState()}). A step whose loss or
 * gradient is not finite is skipped and leaves weights and moments untouched. Deterministic on
 * the CPU for a fixed seed and the same batches (dropout masks are seeded per step).
 */
public final class LstmTrainer implements AutoCloseable {

    private final LstmModel model;
    private final OptimizerConfig optimizer;
    private final NDManager stateManager;
    private final Map<String, NDArray> means = new LinkedHashMap<>();
    private final Map<String, NDArray> variances = new LinkedHashMap<>();
    private long steps;
    private long skippedSteps;

    /** Trains {@code model} (not owned: closing the trainer leaves the model open). */
    public LstmTrainer(LstmModel model, OptimizerConfig optimizer) {
        this.model = model;
        this.optimizer = optimizer;
        this.stateManager = model.manager().newSubManager();
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            NDArray weight = e.getValue().getArray();
            means.put(e.getKey(), stateManager.zeros(weight.getShape()));
            variances.put(e.getKey(), stateManager.zeros(weight.getShape()));
        }
    }

    public LstmModel model() {
        return model;
    }

    /** Updates applied so far. */
    public long steps() {
        return steps;
    }

    /** Steps refused because the loss or gradient was NaN or infinite. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * One Adam step on a batch of windows.
     *
     * @param inputs {@code batch * window * features} values, window after window, step after step
     * @param targets {@code batch * window * horizon}: for each step, the values that followed it
     */
    public TrainStepResult trainStep(float[] inputs, float[] targets, int batch, int window) {
        LstmConfig config = model.config();
        checkLength("inputs", inputs.length, (long) batch * window * config.features());
        checkLength("targets", targets.length, (long) batch * window * config.horizon());
        DjlRuntime.prepareThread();
        if (config.dropout() > 0f) {
            Engine.getEngine(DjlRuntime.ENGINE).setRandomSeed((int) (config.seed() * 31 + steps));
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = scope.create(inputs, new Shape(batch, window, config.features()));
            NDArray y = scope.create(targets, new Shape(batch, window, config.horizon()));
            float loss;
            try (GradientCollector collector = Engine.getEngine(DjlRuntime.ENGINE).newGradientCollector()) {
                NDList out = model.network().forward(model.parameterStore(), new NDList(x), true);
                NDArray mse = out.get(0).sub(y).square().mean();
                collector.backward(mse);
                loss = mse.getFloat();
            }
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            NDArray squaredNorm = null;
            for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
                NDArray gradient = e.getValue().getArray().getGradient();
                gradient.attach(scope);
                gradients.put(e.getKey(), gradient);
                NDArray sum = gradient.square().sum();
                squaredNorm = squaredNorm == null ? sum : squaredNorm.add(sum);
            }
            float gradientNorm = (float) Math.sqrt(squaredNorm.getFloat());
            if (!Float.isFinite(loss) || !Float.isFinite(gradientNorm)) {
                for (Parameter p : model.parameters().values()) {
                    JniUtils.zeroGrad((PtNDArray) p.getArray());
                }
                skippedSteps++;
                return new TrainStepResult(loss, gradientNorm, false);
            }
            float rescale = optimizer.clipNorm() > 0f && gradientNorm > optimizer.clipNorm()
                    ? optimizer.clipNorm() / gradientNorm
                    : 1f;
            steps++;
            double biasCorrection1 = 1.0 - Math.pow(optimizer.beta1(), steps);
            double biasCorrection2 = 1.0 - Math.pow(optimizer.beta2(), steps);
            float correctedRate = (float) (optimizer.learningRate() * Math.sqrt(biasCorrection2) / biasCorrection1);
            for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
                NDArray weight = e.getValue().getArray();
                // Fused update (clip by rescale, L2 decay, moments, step), which also zeroes the gradient.
                weight.getNDArrayInternal().adamUpdate(
                        new NDList(weight, gradients.get(e.getKey()), means.get(e.getKey()), variances.get(e.getKey())),
                        new NDList(weight),
                        optimizer.learningRate(),
                        correctedRate,
                        optimizer.weightDecay(),
                        rescale,
                        -1f,
                        optimizer.beta1(),
                        optimizer.beta2(),
                        optimizer.epsilon(),
                        false,
                        false);
            }
            return new TrainStepResult(loss, gradientNorm, true);
        }
    }

    /** Mean squared error of the model on windows, without training (for validation). */
    public float evaluate(float[] inputs, float[] targets, int batch, int window) {
        return LossEvaluator.mse(model, inputs, targets, batch, window);
    }

    private static void checkLength(String what, int actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(
                    "Training " + what + " hold " + actual + " values; batch x window x width needs " + expected);
        }
    }

    /** A copy of the optimizer's state (step count and Adam moments), for checkpoints. */
    public AdamState exportState() {
        return new AdamState(steps, skippedSteps, toFloats(means), toFloats(variances));
    }

    /** Restores state exported from a trainer of the same architecture. */
    public void restoreState(AdamState state) {
        if (!state.means().keySet().equals(means.keySet())) {
            throw new IncompatibleModelException(
                    "Optimizer state was saved for another architecture: tensors " + state.means().keySet());
        }
        DjlRuntime.prepareThread();
        for (String name : means.keySet()) {
            InPlaceCopy.copyInto(means.get(name), state.means().get(name));
            InPlaceCopy.copyInto(variances.get(name), state.variances().get(name));
        }
        steps = state.steps();
        skippedSteps = state.skippedSteps();
    }

    private static Map<String, float[]> toFloats(Map<String, NDArray> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Override
    public void close() {
        stateManager.close();
    }

    /** Loss before the update, global gradient norm before clipping, and whether it was applied. */
    public record TrainStepResult(float loss, float gradientNorm, boolean applied) {}

    /** Adam step count and moments per tensor, in {@link TensorSpec} names. */
    public record AdamState(long steps, long skippedSteps, Map<String, float[]> means, Map<String, float[]> variances) {}
}
