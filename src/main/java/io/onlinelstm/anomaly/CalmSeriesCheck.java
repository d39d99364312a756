package io.onlinelstm.anomaly;

import io.onlinelstm.state.AnomalyState;
import java.util.Random;

/**
 * The alert volume a user would live with on series that have nothing wrong with them: calm
 * synthetic series (a daily cycle of random amplitude and phase, noise with some memory, readings
 * a minute apart) run through the detector with persistence's errors, counting alerts as the job
 * raises them (one per open alert, cleared after the quiet period). Deterministic for a seed.
 */
public final class CalmSeriesCheck {

    private static final long MINUTE = 60_000L;

    private CalmSeriesCheck() {}

    /** Alerts per series per 10,000 readings. */
    public static double falseAlertsPer10k(AnomalySettings settings, int series, int readings, long seed) {
        AnomalyDetector detector = new AnomalyDetector(settings);
        long alerts = 0;
        for (double[] v : calmSeriesSet(series, readings, seed)) {
            alerts += alerts(detector, settings, v);
        }
        return alerts * 10_000.0 / ((double) series * readings);
    }

    /**
     * The detector's own time per reading (scoring and the alert lifecycle, series made beforehand),
     * in microseconds, on calm series after a first untimed pass that lets the JIT compile it: the
     * steadier figure for the detector's cost than pipeline runs with and without it, whose spread
     * on a shared machine exceeds the whole detector.
     */
    public static double microsPerReading(AnomalySettings settings, int series, int readings, long seed) {
        AnomalyDetector detector = new AnomalyDetector(settings);
        double[][] values = calmSeriesSet(series, readings, seed);
        long alerts = 0;
        for (double[] v : values) {
            alerts += alerts(detector, settings, v);
        }
        long start = System.nanoTime();
        for (double[] v : values) {
            alerts -= alerts(detector, settings, v);
        }
        long nanos = System.nanoTime() - start;
        if (alerts != 0) {
            throw new IllegalStateException("The detector is not deterministic: two passes raised different alerts");
        }
        return nanos / 1e3 / ((double) series * readings);
    }

    /** {@code series} calm series from one seed, made before any is scored so that timing leaves them out. */
    private static double[][] calmSeriesSet(int series, int readings, long seed) {
        Random random = new Random(seed);
        double[][] values = new double[series][];
        for (int s = 0; s < series; s++) {
            values[s] = calmSeries(random, readings);
        }
        return values;
    }

    /** A calm series: daily cycle plus AR(1) noise. */
    public static double[] calmSeries(Random random, int readings) {
        double amplitude = 1 + 9 * random.nextDouble();
        double phase = 2 * Math.PI * random.nextDouble();
        double level = 100 * random.nextDouble();
        double noise = 0;
        double[] v = new double[readings];
        for (int t = 0; t < readings; t++) {
            noise = 0.5 * noise + random.nextGaussian();
            v[t] = level + amplitude * Math.sin(2 * Math.PI * t / 1_440 + phase) + noise;
        }
        return v;
    }

    /**
     * Scores of {@code values} (readings a minute apart) with persistence's errors, each judged in
     * the series' typical change before the reading, as the job judges a reading's error.
     */
    public static AnomalyDetector.Score[] persistenceScores(AnomalyDetector detector, AnomalyState state,
                                                            double[] values) {
        AnomalyDetector.Score[] out = new AnomalyDetector.Score[values.length];
        double sumSquares = 0;
        for (int t = 0; t < values.length; t++) {
            double error = Double.NaN;
            double unit = t >= 3 ? Math.sqrt(sumSquares / (t - 1)) : 1.0;
            if (t > 0) {
                error = Math.abs(values[t] - values[t - 1]);
                sumSquares += error * error;
            }
            out[t] = detector.score(state, t * MINUTE, values[t], error, unit);
        }
        return out;
    }

    /** Alerts the job would raise on {@code values} (readings a minute apart), persistence forecasting. */
    static long alerts(AnomalyDetector detector, AnomalySettings settings, double[] values) {
        AnomalyState state = new AnomalyState();
        AnomalyDetector.Score[] scores = persistenceScores(detector, state, values);
        long alerts = 0;
        long quiet = settings.quietPeriod().toMillis();
        for (int t = 0; t < values.length; t++) {
            boolean reported = scores[t].score() >= settings.threshold();
            boolean ongoing = scores[t].unfiltered() >= settings.threshold();
            if (AlertLifecycle.next(state, t * MINUTE, reported, ongoing, quiet) == AlertLifecycle.Transition.RAISED) {
                alerts++;
            }
        }
        return alerts;
    }
}
