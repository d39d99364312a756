package io.onlinelstm.model;

import java.util.Random;

/** Windows cut from a noisy sine wave: inputs and the next value after each step. */
final class NoisySine {

    final float[] inputs;
    final float[] targets;
    final int batch;
    final int window;

    private NoisySine(float[] inputs, float[] targets, int batch, int window) {
        this.inputs = inputs;
        this.targets = targets;
        this.batch = batch;
        this.window = window;
    }

    /** {@code batch} windows of {@code window} steps at random phases; period 24 steps, noise sd 0.1. */
    static NoisySine windows(Random random, int batch, int window) {
        float[] x = new float[batch * window];
        float[] y = new float[batch * window];
        for (int b = 0; b < batch; b++) {
            double phase = random.nextDouble() * 24;
            double previous = value(random, phase);
            for (int t = 0; t < window; t++) {
                double next = value(random, phase + t + 1);
                x[b * window + t] = (float) previous;
                y[b * window + t] = (float) next;
                previous = next;
            }
        }
        return new NoisySine(x, y, batch, window);
    }

    private static double value(Random random, double t) {
        return Math.sin(2 * Math.PI * t / 24) + 0.1 * random.nextGaussian();
    }
}
