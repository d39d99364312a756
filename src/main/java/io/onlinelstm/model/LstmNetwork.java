package io.onlinelstm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DJL block: PyTorch's fused stacked LSTM (batch first), then a linear head applied to the
 * last layer's output at every time step.
 *
 * <p>Input: x (B, T, features), optionally h and c (layers, B, hidden). Output: forecasts (B, T,
 * horizon), h and c after the last step. With T = 1 this is one streaming step for B series; with
 * T = W and no state it is a training window run from zero state.
 */
final class LstmNetwork extends AbstractBlock {

    private static final byte VERSION = 1;

    private final LstmConfig config;
    private final LSTM lstm;
    private final Linear head;

    LstmNetwork(LstmConfig config) {
        super(VERSION);
        this.config = config;
        this.lstm = addChildBlock(
                "lstm",
                LSTM.builder()
                        .setStateSize(config.hiddenSize())
                        .setNumLayers(config.layers())
                        .optDropRate(config.dropout())
                        .optBatchFirst(true)
                        .optReturnState(true)
                        .build());
        this.head = addChildBlock("head", Linear.builder().setUnits(config.horizon()).build());
    }

    /** Input shape for initialisation, with the layout the LSTM block checks. */
    Shape inputShape(long batch, long steps) {
        return new Shape(new long[] {batch, steps, config.features()}, "NTC");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList recurrent = lstm.forward(parameterStore, inputs, training);
        NDArray forecasts = head.forward(parameterStore, new NDList(recurrent.get(0)), training).singletonOrThrow();
        recurrent.get(0).close();
        return new NDList(forecasts, recurrent.get(1), recurrent.get(2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        Shape state = new Shape(config.layers(), x.get(0), config.hiddenSize());
        return new Shape[] {new Shape(x.get(0), x.get(1), config.horizon()), state, state};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        lstm.initialize(manager, dataType, x);
        head.initialize(manager, dataType, new Shape(x.get(0), x.get(1), config.hiddenSize()));
    }

    /** DJL parameters under their {@link TensorSpec} names (PyTorch state_dict names). */
    Map<String, Parameter> parametersBySpecName() {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        var lstmParams = lstm.getDirectParameters();
        for (int l = 0; l < config.layers(); l++) {
            byName.put(TensorSpec.weightIh(l), lstmParams.get("l_" + l + "_i2h_WEIGHT"));
            byName.put(TensorSpec.weightHh(l), lstmParams.get("l_" + l + "_h2h_WEIGHT"));
            byName.put(TensorSpec.biasIh(l), lstmParams.get("l_" + l + "_i2h_BIAS"));
            byName.put(TensorSpec.biasHh(l), lstmParams.get("l_" + l + "_h2h_BIAS"));
        }
        var headParams = head.getDirectParameters();
        byName.put(TensorSpec.HEAD_WEIGHT, headParams.get("weight"));
        byName.put(TensorSpec.HEAD_BIAS, headParams.get("bias"));
        for (Map.Entry<String, Parameter> e : byName.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalStateException(
                        "DJL LSTM/Linear parameter for " + e.getKey() + " not found; DJL's parameter naming"
                                + " changed - this build expects DJL 0.36");
            }
        }
        return byName;
    }
}
