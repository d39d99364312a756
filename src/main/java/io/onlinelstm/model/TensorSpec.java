package io.onlinelstm.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Name and shape of one parameter tensor, in PyTorch's state_dict naming, so that exported
 * weights can be read by anyone who knows torch.nn.LSTM and torch.nn.Linear.
 *
 * <p>LSTM weights stack the gates in PyTorch order i, f, g, o along the first dimension.
 */
public record TensorSpec(String name, int rows, int cols) {

    /** Element count. */
    public int size() {
        return rows * cols;
    }

    /** Shape as DJL wants it: a vector when {@code cols == 1} and the name says bias. */
    public long[] shape() {
        return isVector() ? new long[] {rows} : new long[] {rows, cols};
    }

    public boolean isVector() {
        return name.contains("bias");
    }

    public static String weightIh(int layer) {
        return "lstm.weight_ih_l" + layer;
    }

    public static String weightHh(int layer) {
        return "lstm.weight_hh_l" + layer;
    }

    public static String biasIh(int layer) {
        return "lstm.bias_ih_l" + layer;
    }

    public static String biasHh(int layer) {
        return "lstm.bias_hh_l" + layer;
    }

    public static final String HEAD_WEIGHT = "head.weight";
    public static final String HEAD_BIAS = "head.bias";

    /** Every parameter of the network for {@code config}, in a fixed order. */
    public static List<TensorSpec> layout(LstmConfig config) {
        int h = config.hiddenSize();
        List<TensorSpec> specs = new ArrayList<>();
        for (int l = 0; l < config.layers(); l++) {
            int in = l == 0 ? config.features() : h;
            specs.add(new TensorSpec(weightIh(l), 4 * h, in));
            specs.add(new TensorSpec(weightHh(l), 4 * h, h));
            specs.add(new TensorSpec(biasIh(l), 4 * h, 1));
            specs.add(new TensorSpec(biasHh(l), 4 * h, 1));
        }
        specs.add(new TensorSpec(HEAD_WEIGHT, config.horizon(), h));
        specs.add(new TensorSpec(HEAD_BIAS, config.horizon(), 1));
        return Collections.unmodifiableList(specs);
    }
}
