package io.onlinelstm.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Training windows cut from noisy sine waves, already on a z-score scale. */
final class Windows {

    private Windows() {}

    static List<TrainingWindow> sine(int count, int window, double period, long seed) {
        Random random = new Random(seed);
        List<TrainingWindow> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double phase = random.nextDouble() * period;
            float[] x = new float[window];
            float[] y = new float[window];
            double prev = value(random, phase, period);
            for (int t = 0; t < window; t++) {
                double next = value(random, phase + t + 1, period);
                x[t] = (float) prev;
                y[t] = (float) next;
                prev = next;
            }
            out.add(new TrainingWindow("s" + (i % 10), x, y, i, 1_000L + i));
        }
        return out;
    }

    private static double value(Random random, double t, double period) {
        return Math.sqrt(2) * Math.sin(2 * Math.PI * t / period) + 0.1 * random.nextGaussian();
    }
}
