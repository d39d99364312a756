package io.onlinelstm.bench;

import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.WeightInitializer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The checks for a machine with a GPU: the batched step runs on the GPU, agrees with the CPU to
 * 1e-4 over many steps, and how its throughput grows with the batch.
 */
public final class GpuCheck {

    public static final double TOLERANCE = 1e-4;

    private GpuCheck() {}

    /** Steps the same series on the CPU and on {@code gpu} and reports the largest difference. */
    public static Map<String, Object> parity(LstmConfig config, ComputeDevice gpu, int batch, int steps) {
        ModelWeights weights = WeightInitializer.initialize(config);
        Random random = new Random(5);
        double maxDiff = 0;
        try (LstmModel cpu = LstmModel.create(weights, ComputeDevice.CPU);
                LstmModel device = LstmModel.create(weights, gpu)) {
            float[][] hC = null;
            float[][] cC = null;
            float[][] hG = null;
            float[][] cG = null;
            for (int t = 0; t < steps; t++) {
                float[][] x = new float[batch][config.features()];
                for (float[] row : x) {
                    for (int k = 0; k < row.length; k++) {
                        row[k] = (float) random.nextGaussian();
                    }
                }
                LstmModel.StepResult a = cpu.step(x, hC, cC);
                LstmModel.StepResult b = device.step(x, hG, cG);
                maxDiff = Math.max(maxDiff, maxAbsDiff(a.forecasts(), b.forecasts()));
                maxDiff = Math.max(maxDiff, maxAbsDiff(a.h(), b.h()));
                maxDiff = Math.max(maxDiff, maxAbsDiff(a.c(), b.c()));
                hC = a.h();
                cC = a.c();
                hG = b.h();
                cG = b.c();
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "gpu-parity");
            r.put("device", device.device().toString());
            r.put("batch", batch);
            r.put("steps", steps);
            r.put("max_abs_diff", maxDiff);
            r.put("ok", maxDiff <= TOLERANCE);
            return r;
        }
    }

    private static double maxAbsDiff(float[][] a, float[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }
}
