package io.onlinelstm.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Checks, once per JVM, that PyTorch's fused LSTM computes the LSTM equations on this CPU.
 *
 * <p>It does not everywhere: on an AMD EPYC with AVX-512, PyTorch 2.7.1's CPU LSTM (oneDNN's
 * AVX-512 code) was 10 % off the equations from the first step, silently, in forecasts and in
 * training alike; limited to AVX2 (environment variable {@code ONEDNN_MAX_CPU_ISA=AVX2}) it agreed to
 * 1e-6. oneDNN reads that variable once, when the native library starts, so no Java code can set
 * it: every launcher of this project sets it, and a JVM started without it that meets the bug
 * refuses to forecast rather than forecast wrongly.
 */
public final class LstmKernelCheck {

    /** The variable that keeps oneDNN to code that computes the LSTM correctly. */
    public static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";
    /** Float kernels agree with the double-precision equations to about 1e-6; a wrong one is off by far more. */
    static final double TOLERANCE = 1e-4;

    /** A small network that exercises every gate, both layers and the head. */
    private static final LstmConfig CONFIG =
            LstmConfig.builder().features(3).hiddenSize(16).layers(2).horizon(2).seed(7).build();
    private static final int BATCH = 4;
    private static final int STEPS = 3;

    private LstmKernelCheck() {}

    /** Steps a test network on the CPU and compares it with the equations; throws if they differ. */
    static void verify() {
        ModelWeights weights = randomWeights(CONFIG, new Random(11));
        double difference;
        try (LstmModel model = LstmModel.create(weights, ComputeDevice.CPU)) {
            difference = largestDifference(model, weights);
        }
        if (!(difference <= TOLERANCE)) {
            throw new WrongLstmResultsException(message(difference, System.getenv(ISA_VARIABLE)));
        }
    }

    /** The largest gap between {@code model}'s step and the equations of {@code reference}, over forecasts, h and c. */
    static double largestDifference(LstmModel model, ModelWeights reference) {
        LstmConfig config = reference.config();
        LstmEquations equations = new LstmEquations(reference);
        Random random = new Random(3);
        float[][] h = new float[BATCH][config.stateSize()];
        float[][] c = new float[BATCH][config.stateSize()];
        double[][] refH = new double[BATCH][config.stateSize()];
        double[][] refC = new double[BATCH][config.stateSize()];
        double largest = 0;
        for (int t = 0; t < STEPS; t++) {
            float[][] x = new float[BATCH][config.features()];
            for (float[] row : x) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = (float) (random.nextGaussian() * 1.5);
                }
            }
            LstmModel.StepResult result = model.step(x, h, c);
            for (int b = 0; b < BATCH; b++) {
                double[] xd = new double[config.features()];
                for (int k = 0; k < xd.length; k++) {
                    xd[k] = x[b][k];
                }
                double[] expected = equations.step(xd, refH[b], refC[b]);
                for (int k = 0; k < expected.length; k++) {
                    largest = Math.max(largest, Math.abs(expected[k] - result.forecasts()[b][k]));
                }
                for (int j = 0; j < config.stateSize(); j++) {
                    largest = Math.max(largest, Math.abs(refH[b][j] - result.h()[b][j]));
                    largest = Math.max(largest, Math.abs(refC[b][j] - result.c()[b][j]));
                }
                // NaN anywhere must fail the check, which max() alone would not ensure.
                if (Double.isNaN(result.forecasts()[b][0])) {
                    return Double.NaN;
                }
            }
            h = result.h();
            c = result.c();
        }
        return largest;
    }

    static String message(double difference, String isaVariable) {
        return "PyTorch's LSTM computes wrong results on this CPU: one step of a test network is " + difference
                + " away from the LSTM equations (at most " + TOLERANCE + " is float rounding). This is known from"
                + " oneDNN's AVX-512 code on some CPUs (seen on AMD EPYC). Start every process that forecasts or"
                + " trains with the environment variable " + ISA_VARIABLE + "=AVX2 (bin/online-lstm, the images, the"
                + " local cluster and the Kubernetes manifests set it; on another Flink cluster set"
                + " containerized.taskmanager.env." + ISA_VARIABLE + ": AVX2 or the TaskManagers' environment)."
                + (isaVariable == null ? " It is not set in this process."
                        : " It is set to " + isaVariable + " in this process: try AVX2.");
    }

    /** Weights in [-0.5, 0.5), not Keras-like, so that biases and every gate matter. */
    public static ModelWeights randomWeights(LstmConfig config, Random random) {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (TensorSpec spec : TensorSpec.layout(config)) {
            float[] v = new float[spec.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((random.nextDouble() * 2 - 1) * 0.5);
            }
            tensors.put(spec.name(), v);
        }
        return new ModelWeights(config, tensors);
    }
}
