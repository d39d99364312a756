package io.onlinelstm.demo;

import java.io.Serializable;

/**
 * Many synthetic sensor series as a pure function of (series, tick): a level, a daily and a weekly
 * cycle, noise, level shifts at random segment boundaries and rare spikes. Pure, so parallel
 * generators and replays agree without sharing state. One tick is one minute of simulated time.
 */
public final class SyntheticSeries implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int TICKS_PER_DAY = 24 * 60;
    public static final int TICKS_PER_WEEK = 7 * TICKS_PER_DAY;
    /** Average ticks between level shifts of one series. */
    static final int SHIFT_SEGMENT = 3 * TICKS_PER_DAY;
    /** Chance that one reading is a spike. */
    static final double SPIKE_PROBABILITY = 1.0 / 5_000;

    private final long seed;

    public SyntheticSeries(long seed) {
        this.seed = seed;
    }

    public static String key(int series) {
        return String.format("sensor-%05d", series);
    }

    public double value(int series, long tick) {
        double base = 20 + 60 * unit(series, -1, 1);
        double dailyAmp = 2 + 8 * unit(series, -1, 2);
        double weeklyAmp = 1 + 3 * unit(series, -1, 3);
        double phase = 2 * Math.PI * unit(series, -1, 4);
        double daily = dailyAmp * Math.sin(2 * Math.PI * tick / TICKS_PER_DAY + phase);
        double weekly = weeklyAmp * Math.sin(2 * Math.PI * tick / TICKS_PER_WEEK + phase / 2);
        double noise = 0.3 * dailyAmp * gaussian(series, tick, 5);
        // Level shifts: each segment of a series (of jittered length) sits at its own offset.
        long segment = (tick + (long) (unit(series, -1, 6) * SHIFT_SEGMENT)) / SHIFT_SEGMENT;
        double shift = unit(series, segment, 7) < 0.5 ? 0 : dailyAmp * 2 * gaussian(series, segment, 8);
        double spike = unit(series, tick, 9) < SPIKE_PROBABILITY ? dailyAmp * 6 * Math.signum(gaussian(series, tick, 10)) : 0;
        return base + daily + weekly + noise + shift + spike;
    }

    /** Uniform in [0, 1) from (series, index, stream). */
    double unit(int series, long index, int stream) {
        return (mix(seed ^ (series * 0x9E3779B97F4A7C15L) ^ (index * 0xC2B2AE3D27D4EB4FL) ^ (stream * 0x165667B19E3779F9L)) >>> 11)
                * 0x1.0p-53;
    }

    /** Standard normal from two uniforms (Box-Muller). */
    double gaussian(int series, long index, int stream) {
        double u1 = Math.max(unit(series, index, stream), 1e-12);
        double u2 = unit(series, index, stream + 100);
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
