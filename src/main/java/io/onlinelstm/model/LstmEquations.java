package io.onlinelstm.model;

/**
 * The LSTM equations written out in plain Java, as the reference the DJL network is checked
 * against (by {@link LstmKernelCheck} at start-up, and by the tests):
 *
 * <pre>
 * i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)
 * f = sigmoid(W_if x + b_if + W_hf h + b_hf)
 * g = tanh   (W_ig x + b_ig + W_hg h + b_hg)
 * o = sigmoid(W_io x + b_io + W_ho h + b_ho)
 * c' = f * c + i * g
 * h' = o * tanh(c')
 * forecast = W_head h'_last + b_head
 * </pre>
 *
 * Computed in double precision from the exported float weights.
 */
final class LstmEquations {

    private final ModelWeights weights;
    private final LstmConfig config;

    LstmEquations(ModelWeights weights) {
        this.weights = weights;
        this.config = weights.config();
    }

    /** One step of one series; h and c (layers x hidden) are updated in place. Returns forecasts. */
    double[] step(double[] x, double[] h, double[] c) {
        int hid = config.hiddenSize();
        double[] input = x;
        for (int l = 0; l < config.layers(); l++) {
            float[] wIh = weights.tensors().get(TensorSpec.weightIh(l));
            float[] wHh = weights.tensors().get(TensorSpec.weightHh(l));
            float[] bIh = weights.tensors().get(TensorSpec.biasIh(l));
            float[] bHh = weights.tensors().get(TensorSpec.biasHh(l));
            int in = input.length;
            double[] hPrev = new double[hid];
            System.arraycopy(h, l * hid, hPrev, 0, hid);
            double[] gates = new double[4 * hid];
            for (int r = 0; r < 4 * hid; r++) {
                double s = bIh[r] + bHh[r];
                for (int k = 0; k < in; k++) {
                    s += wIh[r * in + k] * input[k];
                }
                for (int k = 0; k < hid; k++) {
                    s += wHh[r * hid + k] * hPrev[k];
                }
                gates[r] = s;
            }
            double[] out = new double[hid];
            for (int j = 0; j < hid; j++) {
                double i = sigmoid(gates[j]);
                double f = sigmoid(gates[hid + j]);
                double g = Math.tanh(gates[2 * hid + j]);
                double o = sigmoid(gates[3 * hid + j]);
                double cNew = f * c[l * hid + j] + i * g;
                double hNew = o * Math.tanh(cNew);
                c[l * hid + j] = cNew;
                h[l * hid + j] = hNew;
                out[j] = hNew;
            }
            input = out;
        }
        float[] w = weights.tensors().get(TensorSpec.HEAD_WEIGHT);
        float[] b = weights.tensors().get(TensorSpec.HEAD_BIAS);
        double[] forecast = new double[config.horizon()];
        for (int k = 0; k < forecast.length; k++) {
            double s = b[k];
            for (int j = 0; j < hid; j++) {
                s += w[k * hid + j] * input[j];
            }
            forecast[k] = s;
        }
        return forecast;
    }

    private static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }
}
