package io.onlinelstm.training;

import io.onlinelstm.model.OptimizerConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the model learns while the stream runs.
 *
 * @param stride a series offers a window every {@code stride} readings once its history is long enough
 * @param sampleRate share of those windows kept (for very many series), decided by a hash of series and count
 * @param bufferCapacity windows kept for training: half the newest, half a reservoir of older ones
 * @param holdout newest windows kept out of training and used to validate a candidate
 * @param trainEveryWindows most new windows between two rounds (with {@code trainEveryShare} 0: exactly)
 * @param trainEvery a round also starts after this long with at least one new window (async mode
 *     only: a replay has no clock); zero, the default, leaves the spacing to the windows alone, so
 *     a live job and a replay of the same readings train at the same points
 * @param stepsPerRound Adam steps per round
 * @param batchSize windows per Adam step
 * @param tolerance a candidate is published when its validation loss is at most serving x (1 + tolerance)
 * @param minWindows windows needed before the first round
 * @param maxBusyShare most of its thread's time the trainer may spend training (async mode): after
 *     a round of d ms it rests d x (1 / share - 1) ms, so on a busy TaskManager it cannot starve the
 *     forecasters; 1 trains back to back
 * @param rollbackMargin roll back to the previous version when the newest one's live mean absolute
 *     error is worse by more than this share (async mode); 0 turns rollback off
 * @param rollbackMinSamples scored live forecasts each of the two versions needs before comparing
 * @param trainEveryShare after a round, the next one waits for this share of all the windows
 *     received until then (at least one, at most {@code trainEveryWindows}), so a young model trains
 *     often and the spacing grows with its age; 0 spaces every round by {@code trainEveryWindows}
 */
public record TrainingSettings(
        int stride,
        double sampleRate,
        int bufferCapacity,
        int holdout,
        int trainEveryWindows,
        Duration trainEvery,
        int stepsPerRound,
        int batchSize,
        OptimizerConfig optimizer,
        double tolerance,
        int minWindows,
        double maxBusyShare,
        double rollbackMargin,
        long rollbackMinSamples,
        double trainEveryShare) implements Serializable {

    /** The job's defaults: see {@code JobOptions}' training options, where each one is documented. */
    public static final int DEFAULT_MIN_WINDOWS = 8;
    public static final int DEFAULT_EVERY_WINDOWS = 512;
    public static final double DEFAULT_EVERY_SHARE = 1.0;
    public static final Duration DEFAULT_EVERY = Duration.ZERO;

    /** Every round spaced by {@code trainEveryWindows} new windows (no growing schedule). */
    public TrainingSettings(int stride, double sampleRate, int bufferCapacity, int holdout, int trainEveryWindows,
                            Duration trainEvery, int stepsPerRound, int batchSize, OptimizerConfig optimizer,
                            double tolerance, int minWindows, double maxBusyShare, double rollbackMargin,
                            long rollbackMinSamples) {
        this(stride, sampleRate, bufferCapacity, holdout, trainEveryWindows, trainEvery, stepsPerRound, batchSize,
                optimizer, tolerance, minWindows, maxBusyShare, rollbackMargin, rollbackMinSamples, 0);
    }

    public TrainingSettings {
        positive("stride", stride);
        if (!(sampleRate > 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("training.sample-rate must be in (0, 1], got " + sampleRate);
        }
        positive("buffer capacity", bufferCapacity);
        if (holdout < 1 || holdout >= bufferCapacity) {
            throw new IllegalArgumentException("training.holdout must be between 1 and the buffer capacity, got " + holdout);
        }
        positive("train-every-windows", trainEveryWindows);
        if (trainEvery == null || trainEvery.isNegative()) {
            throw new IllegalArgumentException("training.every must be a duration >= 0 (0 turns the clock off), got "
                    + trainEvery);
        }
        if (!(trainEveryShare >= 0) || Double.isInfinite(trainEveryShare)) {
            throw new IllegalArgumentException("training.every-share must be a finite number >= 0 (0: every round after"
                    + " training.every-windows new windows), got " + trainEveryShare);
        }
        positive("steps per round", stepsPerRound);
        positive("batch size", batchSize);
        if (!(maxBusyShare > 0 && maxBusyShare <= 1)) {
            throw new IllegalArgumentException("training.max-busy-share must be in (0, 1], got " + maxBusyShare);
        }
        if (!(rollbackMargin >= 0) || Double.isInfinite(rollbackMargin)) {
            throw new IllegalArgumentException("training.rollback-margin must be a finite number >= 0, got " + rollbackMargin);
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("training.tolerance must be a finite number >= 0, got " + tolerance);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException("training " + name + " must be >= 1, got " + v);
        }
    }

    public static TrainingSettings defaults() {
        return new TrainingSettings(32, 1.0, 10_000, 256, DEFAULT_EVERY_WINDOWS, DEFAULT_EVERY, 20, 64,
                OptimizerConfig.defaults(), 0.02, DEFAULT_MIN_WINDOWS, 0.2, 0.0, 1_000, DEFAULT_EVERY_SHARE);
    }

    /**
     * New windows the learner waits for after a round taken when {@code receivedAtRound} windows had
     * arrived in all (0 before the first round, which {@link #minWindows} gates instead). Counted in
     * windows, never in time, so that a replay, which has no clock, trains where a live job would.
     */
    public long windowsBetweenRounds(long receivedAtRound) {
        if (trainEveryShare == 0) {
            return trainEveryWindows;
        }
        double grown = Math.ceil(trainEveryShare * receivedAtRound);
        return (long) Math.max(1, Math.min(trainEveryWindows, grown));
    }

    /** Whether rounds may also be started by the clock (async mode with {@link #trainEvery} set). */
    public boolean clockRounds() {
        return !trainEvery.isZero();
    }

    public boolean rollbackEnabled() {
        return rollbackMargin > 0;
    }

    /** Whether the reading count-th (1-based) of a series offers a window. */
    public boolean offersWindow(String key, long count) {
        if (count % stride != 0) {
            return false;
        }
        if (sampleRate >= 1) {
            return true;
        }
        long h = key.hashCode() * 0x9E3779B97F4A7C15L + count * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (h >>> 11) * 0x1.0p-53 < sampleRate;
    }
}
