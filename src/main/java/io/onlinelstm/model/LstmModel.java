package io.onlinelstm.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One instance of the forecasting network on one device: the batched stateful step, and weights
 * in and out. Knows nothing of Flink.
 *
 * <p>Every native array made by a step lives in a sub-manager closed at the end of that step, so
 * native memory stays flat however long the stream runs. Close the model to free its weights.
 * Not thread-safe: one instance per task thread (hot swap copies weights between instances).
 */
public final class LstmModel implements AutoCloseable {

    private final LstmConfig config;
    private final Device device;
    private final Model model;
    private final LstmNetwork network;
    private final ParameterStore parameterStore;
    private final Map<String, Parameter> parameters;

    private LstmModel(LstmConfig config, Device device) {
        DjlRuntime.prepareThread();
        this.config = config;
        this.device = device;
        this.model = Model.newInstance("online-lstm", device, DjlRuntime.ENGINE);
        try {
            this.network = new LstmNetwork(config);
            model.setBlock(network);
            network.initialize(model.getNDManager(), DataType.FLOAT32, network.inputShape(1, 1));
            this.parameterStore = new ParameterStore(model.getNDManager(), false);
            this.parameters = Collections.unmodifiableMap(network.parametersBySpecName());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** A network with fresh weights drawn from {@code config.seed()}. */
    public static LstmModel create(LstmConfig config, ComputeDevice device) {
        return create(WeightInitializer.initialize(config), device);
    }

    /** A network holding {@code weights}. */
    public static LstmModel create(ModelWeights weights, ComputeDevice device) {
        LstmModel m = new LstmModel(weights.config(), device.resolve());
        try {
            m.loadWeights(weights);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    public LstmConfig config() {
        return config;
    }

    public Device device() {
        return device;
    }

    /**
     * Advances every series in {@code batch} by one step in a single forward call; afterwards the
     * batch holds each series' forecast and new h and c.
     */
    public void step(StepBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        DjlRuntime.prepareThread();
        int b = batch.size();
        batch.pack();
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray x = scope.create(batch.inputBytes(), new Shape(b, 1, config.features()), DataType.FLOAT32);
            Shape stateShape = new Shape(config.layers(), b, config.hiddenSize());
            NDArray h = scope.create(batch.hBytes(), stateShape, DataType.FLOAT32);
            NDArray c = scope.create(batch.cBytes(), stateShape, DataType.FLOAT32);
            NDList out = network.forward(parameterStore, new NDList(x, h, c), false);
            batch.unpack(floats(out.get(0)), floats(out.get(1)), floats(out.get(2)));
        }
    }

    private static FloatBuffer floats(NDArray array) {
        // On the CPU this is a view of the tensor's memory, valid until the scope closes.
        return array.toByteBuffer(true).asFloatBuffer();
    }

    /**
     * Convenience form of {@link #step(StepBatch)} for tests and tools: {@code inputs[b]} holds one
     * series' features, {@code h[b]} and {@code c[b]} its state (layers x hidden, or null for
     * zeros).
     */
    public StepResult step(float[][] inputs, float[][] h, float[][] c) {
        int b = inputs.length;
        StepBatch batch = new StepBatch(config, Math.max(1, b));
        for (int i = 0; i < b; i++) {
            batch.add(inputs[i], h == null ? null : h[i], c == null ? null : c[i]);
        }
        step(batch);
        float[][] forecasts = new float[b][config.horizon()];
        float[][] newH = new float[b][config.stateSize()];
        float[][] newC = new float[b][config.stateSize()];
        for (int i = 0; i < b; i++) {
            batch.copyForecast(i, forecasts[i]);
            batch.copyState(i, newH[i], newC[i]);
        }
        return new StepResult(forecasts, newH, newC);
    }

    /** Forecasts and new state of one convenience step. */
    public record StepResult(float[][] forecasts, float[][] h, float[][] c) {}

    /** A copy of the current weights. */
    public ModelWeights weights() {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            tensors.put(e.getKey(), e.getValue().getArray().toFloatArray());
        }
        return new ModelWeights(config, tensors);
    }

    /**
     * Replaces the weights in place.
     *
     * @throws IncompatibleModelException when the weights were made for another architecture
     */
    public void loadWeights(ModelWeights weights) {
        if (!config.sameArchitecture(weights.config())) {
            throw new IncompatibleModelException(
                    "Cannot load weights for a different architecture: "
                            + config.architectureDifferences(weights.config()));
        }
        DjlRuntime.prepareThread();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            InPlaceCopy.copyInto(e.getValue().getArray(), weights.tensors().get(e.getKey()));
        }
    }

    /** Copies every weight of {@code source} (any device) into this model, for hot swap. */
    public void copyWeightsFrom(LstmModel source) {
        if (source == this) {
            return;
        }
        loadWeights(source.weights());
    }

    // ---- for the trainer in this package ------------------------------------------------------

    LstmNetwork network() {
        return network;
    }

    ParameterStore parameterStore() {
        return parameterStore;
    }

    NDManager manager() {
        return model.getNDManager();
    }

    Map<String, Parameter> parameters() {
        return parameters;
    }

    @Override
    public void close() {
        model.close();
    }
}
