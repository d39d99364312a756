package io.onlinelstm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** MSE of a model on windows run from zero state, gradients off: the validation measure. */
public final class LossEvaluator {

    private LossEvaluator() {}

    public static float mse(LstmModel model, float[] inputs, float[] targets, int batch, int window) {
        LstmConfig config = model.config();
        if (inputs.length != batch * window * config.features()
                || targets.length != batch * window * config.horizon()) {
            throw new IllegalArgumentException(
                    "Evaluation windows do not match batch " + batch + " x window " + window);
        }
        DjlRuntime.prepareThread();
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = scope.create(inputs, new Shape(batch, window, config.features()));
            NDArray y = scope.create(targets, new Shape(batch, window, config.horizon()));
            NDList out = model.network().forward(model.parameterStore(), new NDList(x), false);
            return out.get(0).sub(y).square().mean().getFloat();
        }
    }
}
