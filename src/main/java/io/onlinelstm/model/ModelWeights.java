package io.onlinelstm.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A complete, engine-independent copy of the network's parameters: plain float arrays keyed by
 * {@link TensorSpec} name, with the config they belong to. Used for initialisation, export,
 * hot swap between model instances, and tests that check the math.
 */
public final class ModelWeights {

    private final LstmConfig config;
    private final Map<String, float[]> tensors;

    /**
     * @throws IncompatibleModelException when a tensor is missing, unexpected or the wrong size
     */
    public ModelWeights(LstmConfig config, Map<String, float[]> tensors) {
        this.config = config;
        List<TensorSpec> layout = TensorSpec.layout(config);
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (TensorSpec spec : layout) {
            float[] data = tensors.get(spec.name());
            if (data == null) {
                throw new IncompatibleModelException(
                        "Model weights lack tensor '" + spec.name() + "' required by " + config);
            }
            if (data.length != spec.size()) {
                throw new IncompatibleModelException(
                        "Tensor '" + spec.name() + "' has " + data.length + " values but " + config
                                + " needs " + spec.rows() + "x" + spec.cols() + " = " + spec.size());
            }
            copy.put(spec.name(), data.clone());
        }
        if (tensors.size() != layout.size()) {
            for (String name : tensors.keySet()) {
                if (!copy.containsKey(name)) {
                    throw new IncompatibleModelException(
                            "Model weights hold unexpected tensor '" + name + "' for " + config);
                }
            }
        }
        this.tensors = Collections.unmodifiableMap(copy);
    }

    public LstmConfig config() {
        return config;
    }

    /** The tensors in layout order. The arrays are shared: do not modify them. */
    public Map<String, float[]> tensors() {
        return tensors;
    }

    /** A copy of one tensor's values. */
    public float[] tensor(String name) {
        float[] data = tensors.get(name);
        if (data == null) {
            throw new IllegalArgumentException("No tensor named '" + name + "'");
        }
        return data.clone();
    }

    /** Total parameter count. */
    public long parameterCount() {
        long n = 0;
        for (float[] t : tensors.values()) {
            n += t.length;
        }
        return n;
    }

    /** Whether every value is a finite number. */
    public boolean allFinite() {
        for (float[] t : tensors.values()) {
            for (float v : t) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Same architecture and bit-identical values. */
    public boolean sameValues(ModelWeights other) {
        if (!config.sameArchitecture(other.config)) {
            return false;
        }
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            if (!Arrays.equals(e.getValue(), other.tensors.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
