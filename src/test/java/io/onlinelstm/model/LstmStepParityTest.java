package io.onlinelstm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The batched DJL step computes exactly the LSTM equations, layer by layer, step after step. */
class LstmStepParityTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void djlStepMatchesPlainJavaEquationsOver50StepsBatch8TwoLayers() {
        LstmConfig config = LstmConfig.builder().features(3).hiddenSize(16).layers(2).horizon(2).seed(7).build();
        // Random non-Keras weights too, so biases and every gate matter.
        ModelWeights weights = LstmKernelCheck.randomWeights(config, new Random(11));
        int batch = 8;
        Random random = new Random(3);
        try (LstmModel model = LstmModel.create(weights, ComputeDevice.CPU)) {
            LstmEquations reference = new LstmEquations(model.weights());
            float[][] h = new float[batch][config.stateSize()];
            float[][] c = new float[batch][config.stateSize()];
            double[][] refH = new double[batch][config.stateSize()];
            double[][] refC = new double[batch][config.stateSize()];
            double maxDiff = 0;
            for (int t = 0; t < 50; t++) {
                float[][] x = new float[batch][config.features()];
                for (float[] row : x) {
                    for (int k = 0; k < row.length; k++) {
                        row[k] = (float) (random.nextGaussian() * 1.5);
                    }
                }
                LstmModel.StepResult result = model.step(x, h, c);
                for (int b = 0; b < batch; b++) {
                    double[] xd = new double[config.features()];
                    for (int k = 0; k < xd.length; k++) {
                        xd[k] = x[b][k];
                    }
                    double[] expected = reference.step(xd, refH[b], refC[b]);
                    for (int k = 0; k < config.horizon(); k++) {
                        assertEquals(expected[k], result.forecasts()[b][k], TOLERANCE, "forecast t=" + t + " b=" + b);
                        maxDiff = Math.max(maxDiff, Math.abs(expected[k] - result.forecasts()[b][k]));
                    }
                    for (int j = 0; j < config.stateSize(); j++) {
                        assertEquals(refH[b][j], result.h()[b][j], TOLERANCE, "h t=" + t + " b=" + b + " j=" + j);
                        assertEquals(refC[b][j], result.c()[b][j], TOLERANCE, "c t=" + t + " b=" + b + " j=" + j);
                    }
                }
                h = result.h();
                c = result.c();
            }
            // The state must actually have moved, or the comparison above proves little.
            assertTrue(maxAbs(c) > 0.1, "cell state stayed near zero");
        }
    }

    private static double maxAbs(float[][] a) {
        double m = 0;
        for (float[] row : a) {
            for (float v : row) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }
}
