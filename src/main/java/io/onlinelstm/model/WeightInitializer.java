package io.onlinelstm.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Fresh weights the way Keras initialises an LSTM (the baseline users compare against): Glorot
 * uniform input kernels, orthogonal recurrent kernels, zero biases with a forget-gate bias of 1,
 * and a Glorot uniform dense head.
 *
 * <p>Drawn from a Java {@link Random} seeded with {@link LstmConfig#seed()}, so the same seed gives
 * bit-identical weights on every machine and device, independent of the engine's own generator.
 */
public final class WeightInitializer {

    private WeightInitializer() {}

    public static ModelWeights initialize(LstmConfig config) {
        Random random = new Random(config.seed());
        int h = config.hiddenSize();
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (int l = 0; l < config.layers(); l++) {
            int in = l == 0 ? config.features() : h;
            tensors.put(TensorSpec.weightIh(l), glorotUniform(random, 4 * h, in));
            tensors.put(TensorSpec.weightHh(l), orthogonalColumns(random, 4 * h, h));
            float[] biasIh = new float[4 * h];
            // Gate order i, f, g, o: a forget bias of 1 lets gradients flow early in training.
            for (int j = h; j < 2 * h; j++) {
                biasIh[j] = 1f;
            }
            tensors.put(TensorSpec.biasIh(l), biasIh);
            tensors.put(TensorSpec.biasHh(l), new float[4 * h]);
        }
        tensors.put(TensorSpec.HEAD_WEIGHT, glorotUniform(random, config.horizon(), h));
        tensors.put(TensorSpec.HEAD_BIAS, new float[config.horizon()]);
        return new ModelWeights(config, tensors);
    }

    /**
     * Like {@link #initialize} but with a zero head: the network's first outputs are all zero. For
     * a network that forecasts changes, that means it starts out as persistence and training can
     * only add corrections to it.
     */
    public static ModelWeights initializeWithZeroHead(LstmConfig config) {
        ModelWeights w = initialize(config);
        Map<String, float[]> tensors = new LinkedHashMap<>(w.tensors());
        tensors.put(TensorSpec.HEAD_WEIGHT, new float[config.horizon() * config.hiddenSize()]);
        tensors.put(TensorSpec.HEAD_BIAS, new float[config.horizon()]);
        return new ModelWeights(config, tensors);
    }

    /** Row-major rows x cols, uniform in +-sqrt(6 / (rows + cols)). */
    static float[] glorotUniform(Random random, int rows, int cols) {
        double limit = Math.sqrt(6.0 / (rows + cols));
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        return w;
    }

    /**
     * Row-major rows x cols (rows >= cols) whose columns are orthonormal: Gram-Schmidt on Gaussian
     * columns, which is what Keras' orthogonal initializer gives the transposed recurrent kernel.
     */
    static float[] orthogonalColumns(Random random, int rows, int cols) {
        double[][] q = new double[cols][rows];
        for (int j = 0; j < cols; j++) {
            double[] v = q[j];
            for (int i = 0; i < rows; i++) {
                v[i] = random.nextGaussian();
            }
            // Twice is enough for numerical orthogonality in double precision.
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < rows; i++) {
                        dot += v[i] * q[k][i];
                    }
                    for (int i = 0; i < rows; i++) {
                        v[i] -= dot * q[k][i];
                    }
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < rows; i++) {
                v[i] /= norm;
            }
        }
        float[] w = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                w[i * cols + j] = (float) q[j][i];
            }
        }
        return w;
    }
}
