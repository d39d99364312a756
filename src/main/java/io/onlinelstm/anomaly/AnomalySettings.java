package io.onlinelstm.anomaly;

import java.io.Serializable;
import java.time.Duration;

/**
 * How forecast residuals become anomaly scores and alerts.
 *
 * @param threshold a score at or above this is anomalous and may raise an alert
 * @param warmup scored readings per series before its score can be non-zero
 * @param longWindow readings over which the series' usual error is learnt (exponential weighting)
 * @param shortWindow recent readings whose mean error is judged against the usual error
 * @param quietPeriod event time after an alert during which the same series raises no other
 * @param scoreCombined score the residual of the emitted (combined) forecast instead of the
 *     network's own
 */
public record AnomalySettings(double threshold, int warmup, int longWindow, int shortWindow, Duration quietPeriod,
                              boolean scoreCombined) implements Serializable {

    /** The network's own residual: see {@code anomaly.residual} for why that is the default. */
    public AnomalySettings(double threshold, int warmup, int longWindow, int shortWindow, Duration quietPeriod) {
        this(threshold, warmup, longWindow, shortWindow, quietPeriod, false);
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
    }

    public static AnomalySettings defaults() {
        return new AnomalySettings(0.9999, 200, 1_000, 5, Duration.ofHours(1));
    }
}
