package io.onlinelstm.bench;

import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.LstmTrainer;
import io.onlinelstm.model.OptimizerConfig;
import io.onlinelstm.model.StepBatch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Throughput of the batched step as the forecasting operator uses it: per series, state is copied
 * into the batch, stepped, and copied back; and of one training step.
 */
public final class StepBenchmark {

    private final LstmConfig config;
    private final ComputeDevice device;

    public StepBenchmark(LstmConfig config, ComputeDevice device) {
        this.config = config;
        this.device = device;
    }

    /** Steps batches of {@code batch} distinct series for {@code seconds} after a warm-up. */
    public Map<String, Object> step(int batch, double warmupSeconds, double seconds) {
        try (LstmModel model = LstmModel.create(config, device)) {
            SeriesPool pool = new SeriesPool(config, batch, new Random(1));
            StepBatch stepBatch = new StepBatch(config, batch);
            runFor(warmupSeconds, () -> pool.advance(model, stepBatch));
            long[] steps = {0};
            double elapsed = runFor(seconds, () -> {
                pool.advance(model, stepBatch);
                steps[0]++;
            });
            double events = (double) steps[0] * batch;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "step");
            r.put("batch", batch);
            r.put("hidden", config.hiddenSize());
            r.put("layers", config.layers());
            r.put("device", deviceName(model));
            r.put("steps", steps[0]);
            r.put("events_per_s", Math.round(events / elapsed));
            r.put("us_per_event", round(elapsed * 1e6 / events, 3));
            r.put("us_per_step", round(elapsed * 1e6 / steps[0], 1));
            return r;
        }
    }

    /** Adam steps on {@code batch} windows of {@code window} steps. */
    public Map<String, Object> train(int batch, int window, double warmupSeconds, double seconds) {
        try (LstmModel model = LstmModel.create(config, device);
                LstmTrainer trainer = new LstmTrainer(model, OptimizerConfig.defaults())) {
            Random random = new Random(2);
            float[] x = new float[batch * window * config.features()];
            float[] y = new float[batch * window * config.horizon()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) random.nextGaussian();
            }
            runFor(warmupSeconds, () -> trainer.trainStep(x, y, batch, window));
            long[] steps = {0};
            double elapsed = runFor(seconds, () -> {
                trainer.trainStep(x, y, batch, window);
                steps[0]++;
            });
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "train");
            r.put("batch", batch);
            r.put("window", window);
            r.put("hidden", config.hiddenSize());
            r.put("layers", config.layers());
            r.put("device", deviceName(model));
            r.put("steps", steps[0]);
            r.put("ms_per_step", round(elapsed * 1e3 / steps[0], 2));
            r.put("windows_per_s", Math.round(steps[0] * batch / elapsed));
            return r;
        }
    }

    /**
     * Runs {@code steps} batched steps and reports resident memory every {@code reportEvery}
     * steps; the last line holds the growth since the first report (taken after warm-up).
     */
    public void memory(int batch, long steps, long reportEvery, Consumer<Map<String, Object>> out) {
        try (LstmModel model = LstmModel.create(config, device)) {
            SeriesPool pool = new SeriesPool(config, batch, new Random(3));
            StepBatch stepBatch = new StepBatch(config, batch);
            for (int i = 0; i < 2_000; i++) {
                pool.advance(model, stepBatch);
            }
            System.gc();
            double baseline = ResidentMemory.megabytes();
            double peak = baseline;
            long start = System.nanoTime();
            for (long s = 1; s <= steps; s++) {
                pool.advance(model, stepBatch);
                if (s % reportEvery == 0 || s == steps) {
                    double rss = ResidentMemory.megabytes();
                    peak = Math.max(peak, rss);
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("bench", "memory");
                    r.put("batch", batch);
                    r.put("steps", s);
                    r.put("rss_mb", round(rss, 1));
                    r.put("growth_mb", round(rss - baseline, 1));
                    r.put("events_per_s", Math.round(s * batch / ((System.nanoTime() - start) / 1e9)));
                    if (s == steps) {
                        r.put("baseline_rss_mb", round(baseline, 1));
                        r.put("peak_growth_mb", round(peak - baseline, 1));
                    }
                    out.accept(r);
                }
            }
        }
    }

    private static double runFor(double seconds, Runnable body) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            body.run();
            now = System.nanoTime();
        } while (now < end);
        return (now - start) / 1e9;
    }

    private static String deviceName(LstmModel model) {
        return model.device().isGpu() ? "gpu:" + model.device().getDeviceId() : "cpu";
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    /** Distinct series with their own state, fed a noisy signal, as the operator would hold them. */
    private static final class SeriesPool {
        private final float[][] h;
        private final float[][] c;
        private final float[] phase;
        private final Random random;
        private final int[] rows;
        private final float[] input;
        private long t;

        SeriesPool(LstmConfig config, int size, Random random) {
            this.h = new float[size][config.stateSize()];
            this.c = new float[size][config.stateSize()];
            this.phase = new float[size];
            this.random = random;
            this.rows = new int[size];
            this.input = new float[config.features()];
            for (int i = 0; i < size; i++) {
                phase[i] = random.nextFloat() * 24f;
            }
        }

        void advance(LstmModel model, StepBatch batch) {
            batch.clear();
            t++;
            for (int i = 0; i < h.length; i++) {
                float v = (float) Math.sin((t + phase[i]) * Math.PI / 12) + 0.1f * (random.nextFloat() - 0.5f);
                java.util.Arrays.fill(input, v);
                rows[i] = batch.add(input, h[i], c[i]);
            }
            model.step(batch);
            for (int i = 0; i < h.length; i++) {
                batch.copyState(rows[i], h[i], c[i]);
            }
        }
    }
}
