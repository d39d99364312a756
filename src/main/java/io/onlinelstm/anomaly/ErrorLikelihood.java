package io.onlinelstm.anomaly;

import io.onlinelstm.state.LikelihoodState;

/**
 * Numenta's anomaly likelihood for one stream of errors: the average of the last {@code
 * shortWindow} errors, judged against the distribution of that average over about {@code
 * longWindow} readings (exponentially weighted mean and variance). The likelihood is the Gaussian
 * tail probability of the average on a log scale: with {@code d = -log10(tail)} it is {@code d / (d
 * + 5)}, so 0.5 is a one-in-100,000 deviation, 0.67 one in 10^10, and it approaches 1 without ever
 * reaching it. The log scale keeps large deviations apart, where a plain CDF ties them all at 1.0,
 * and leaves 1 to the parts that are sure (range, flat).
 *
 * <p>A likelihood in the red zone right after another red one is lowered to the yellow zone, so a
 * long disturbance is reported at its start, not on every reading of it. What counts as "another
 * red one" is the {@link RedFilter}.
 * The distribution is updated after scoring, so an error is judged against what came before it.
 */
public final class ErrorLikelihood {

    /** What the red-zone filter lets through of a stretch of red likelihoods. */
    public enum RedFilter {
        /**
         * The stretch's first red likelihood, and one whose tail probability is the square (or
         * less) of the last one let through: a long disturbance is reported at its start and again
         * only as it grows by orders of magnitude. Numenta's filter compares with the previous
         * likelihood after filtering, so a long red stretch comes out red, yellow, red, yellow and
         * every other reading of it fires again; on NAB most false positives of the residual were
         * these echoes (docs/benchmarks.md). Reporting only the first red one (no escalation) lost a
         * variance rise whose first red reading scored under the alert threshold
         * (AnomalyDetectorTest). An escalation counts only once the stretch has outlasted the short
         * window: before that the average grows because it fills with the stretch's own readings
         * (a burst of a few readings was reported at its first red reading and again at its third;
         * on NAB every residual alert at the default threshold was such an escalation, six of seven
         * of them false positives: docs/benchmarks.md). Growth while the window filled is reported
         * at the stretch's first reading after it, if the stretch is still red then.
         */
        ESCALATE,
        /**
         * Numenta's: the previous likelihood after filtering, so every other reading of a red stretch
         * stays red. For evidence that keeps growing for several readings after its first red one (a
         * daily pattern that breaks stays broken and fills the short window), so that the stretch is
         * reported again as it strengthens.
         */
        ALTERNATE
    }

    /** -log10 of the tail probability that scores 0.5; the score approaches 1 as the tail vanishes. */
    static final double HALF_SCALE_DIGITS = 5;
    /** Red zone: a tail probability of 1e-5 or less (0.5), Numenta's red threshold. */
    static final double RED = 0.5;
    /** Yellow zone: a tail probability of 1e-3 (0.375), Numenta's yellow threshold. */
    static final double YELLOW = 3 / (3 + HALF_SCALE_DIGITS);

    /**
     * A red stretch is reported again when its -log10 tail probability reaches this multiple of its
     * last report's: when the tail probability squares.
     */
    static final double ESCALATION = 2;
    private final int warmup;
    private final int shortWindow;
    private final double alpha;

    /** @param warmup errors before the likelihood can be non-zero */
    private final double halfScale;
    private final RedFilter filter;
    /** The last scored reading's likelihood before the red filter (see {@link #unfiltered()}). */
    private double unfiltered;

    public ErrorLikelihood(int warmup, int shortWindow, int longWindow) {
        this(warmup, shortWindow, longWindow, HALF_SCALE_DIGITS, RedFilter.ESCALATE);
    }

    public ErrorLikelihood(int warmup, int shortWindow, int longWindow, double halfScale, RedFilter filter) {
        this.halfScale = halfScale;
        this.filter = filter;
        this.warmup = Math.max(warmup, shortWindow);
        this.shortWindow = shortWindow;
        this.alpha = 2.0 / (longWindow + 1);
    }

    /** The likelihood of {@code error} (a non-negative size of error), folded into the state after. */
    public double score(LikelihoodState s, double error) {
        if (s.recent == null || s.recent.length != shortWindow) {
            s.recent = new float[shortWindow];
            s.next = 0;
            s.filled = 0;
        }
        s.recent[s.next] = (float) error;
        s.next = (s.next + 1) % shortWindow;
        s.filled = Math.min(shortWindow, s.filled + 1);
        double average = 0;
        for (int i = 0; i < s.filled; i++) {
            average += s.recent[i];
        }
        average /= s.filled;

        double likelihood = 0;
        double raw = 0;
        if (s.count >= warmup) {
            double std = Math.sqrt(Math.max(s.variance, 1e-12));
            double digits = TailProbability.minusLog10Upper((average - s.mean) / std);
            raw = digits / (digits + halfScale);
            likelihood = raw;
            boolean afterRed = s.last >= RED;
            if (filter == RedFilter.ESCALATE && afterRed) {
                // s.last is the last reported red likelihood of the stretch: convert it back to digits.
                double escalation = ESCALATION * halfScale * s.last / (1 - s.last);
                // While the stretch fills the short window its average grows because more of its own
                // readings enter it: the same event, not a stronger one, so growth is held back
                // (its strongest likelihood kept in s.peak). A stretch that is still red once it has
                // outlasted the window is lasting, not a burst: if it grew by orders meanwhile, that
                // reading is reported (as it is, never raised).
                boolean grown = digits > escalation
                        || s.redRun == shortWindow && halfScale * s.peak / (1 - s.peak) > escalation;
                afterRed &= !grown || s.redRun < shortWindow;
            }
            if (digits >= halfScale && afterRed) {
                likelihood = Math.min(likelihood, YELLOW);
            }
        }
        if (filter == RedFilter.ESCALATE) {
            boolean lowered = raw >= RED && s.last >= RED && likelihood < raw;
            s.redRun = raw >= RED ? Math.min(s.redRun + 1, LikelihoodState.MAX_RED_RUN) : 0;
            s.peak = lowered ? (float) Math.max(s.peak, raw) : 0;
            // A red stretch remembers its last report; anything else starts afresh.
            s.last = (float) (lowered ? s.last : raw);
        } else {
            s.last = (float) likelihood;
        }
        learn(s, average);
        unfiltered = raw;
        return likelihood;
    }

    /**
     * The likelihood of the reading {@link #score} just scored, before the red filter lowered it: a
     * filtered reading of a red stretch is still part of the event (it keeps an alert open and stays
     * out of training), it is only not reported again.
     */
    double unfiltered() {
        return unfiltered;
    }

    /**
     * Exponentially weighted mean and variance (West's incremental form). Until about longWindow
     * averages the weight is 1/n, a plain running average: an exponential average started from
     * zero would underestimate the variance and raise false alarms early.
     */
    private void learn(LikelihoodState s, double average) {
        if (s.count == 0) {
            s.mean = average;
            s.variance = 0;
        } else {
            double a = Math.max(alpha, 1.0 / (s.count + 1));
            double diff = average - s.mean;
            double incr = a * diff;
            s.mean += incr;
            s.variance = (1 - a) * (s.variance + diff * incr);
        }
        s.count++;
    }
}
