package io.onlinelstm.anomaly;

import java.io.Serializable;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * How readings become anomaly scores and alerts.
 *
 * @param threshold a score at or above this is anomalous and may raise an alert
 * @param warmup readings per series before any part of the detector can fire
 * @param longWindow readings over which the series' usual errors are learnt (exponential weighting)
 * @param shortWindow recent readings whose mean error is judged against the usual ones
 * @param quietPeriod event time without an anomalous reading after which a series' open alert clears
 * @param scoreCombined score the residual of the emitted (combined) forecast instead of the
 *     network's own
 * @param rangeTolerance share of a series' range beyond which a value is out of range
 * @param parts the detector's parts that are on
 */
public record AnomalySettings(double threshold, int warmup, int longWindow, int shortWindow, Duration quietPeriod,
                              boolean scoreCombined, double rangeTolerance, Set<AnomalyDetector.Part> parts)
        implements Serializable {

    /** Every part of the detector. */
    public static final Set<AnomalyDetector.Part> ALL_PARTS = EnumSet.complementOf(EnumSet.of(AnomalyDetector.Part.NONE));

    /** The combined residual and every part on. */
    public AnomalySettings(double threshold, int warmup, int longWindow, int shortWindow, Duration quietPeriod) {
        this(threshold, warmup, longWindow, shortWindow, quietPeriod, true, 0.05, ALL_PARTS);
    }

    public AnomalySettings {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("anomaly.threshold must be in (0, 1], got " + threshold);
        }
        if (warmup < 0 || longWindow < 2 || shortWindow < 1 || shortWindow >= longWindow) {
            throw new IllegalArgumentException("anomaly windows must satisfy warmup >= 0 and 1 <= short < long, got "
                    + warmup + ", " + shortWindow + ", " + longWindow);
        }
        if (quietPeriod.isNegative()) {
            throw new IllegalArgumentException("anomaly.quiet-period must be >= 0, got " + quietPeriod);
        }
        if (!(rangeTolerance >= 0)) {
            throw new IllegalArgumentException("anomaly.range-tolerance must be >= 0, got " + rangeTolerance);
        }
        parts = parts.isEmpty() ? EnumSet.noneOf(AnomalyDetector.Part.class) : EnumSet.copyOf(parts);
        parts.remove(AnomalyDetector.Part.NONE);
    }

    public boolean has(AnomalyDetector.Part part) {
        return parts.contains(part);
    }

    public static AnomalySettings defaults() {
        return new AnomalySettings(0.7, 200, 1_000, 5, Duration.ofHours(1));
    }
}
