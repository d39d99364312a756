package io.onlinelstm.anomaly;

import io.onlinelstm.state.AnomalyState;

/**
 * The anomaly score of a reading from its forecast's error, judged against the series' own recent
 * errors, the way streaming detectors compute an anomaly likelihood: errors (in units of the
 * series' typical change) feed an exponentially weighted mean and variance over about {@code
 * longWindow} readings; the mean of the last {@code shortWindow} errors is standardised against
 * them, and the score is the normal distribution's CDF at that z: 0.5 for a usual stretch, close to
 * 1 when recent errors are far larger than usual. The score is 0 during the warm-up.
 *
 * <p>The usual-error statistics are updated after scoring, so an anomaly is judged against what
 * came before it, not against itself.
 */
public final class ResidualScorer {

    private final AnomalySettings settings;
    private final double alpha;

    public ResidualScorer(AnomalySettings settings) {
        this.settings = settings;
        this.alpha = 2.0 / (settings.longWindow() + 1);
    }

    /** Scores an absolute error (in the series' change units) and folds it into the series' statistics. */
    public double score(AnomalyState state, double absError) {
        if (state.recentErrors == null || state.recentErrors.length != settings.shortWindow()) {
            state.recentErrors = new float[settings.shortWindow()];
            state.recentErrorsNext = 0;
        }
        state.recentErrors[state.recentErrorsNext] = (float) absError;
        state.recentErrorsNext = (state.recentErrorsNext + 1) % state.recentErrors.length;
        double score = 0;
        if (state.errorCount >= Math.max(settings.warmup(), settings.shortWindow())) {
            double recent = 0;
            for (float e : state.recentErrors) {
                recent += e;
            }
            recent /= state.recentErrors.length;
            double std = Math.sqrt(Math.max(state.errorVariance, 1e-12));
            score = normalCdf((recent - state.errorMean) / std);
        }
        // Exponentially weighted mean and variance (West's incremental form). Until the series has
        // seen about longWindow errors the weight is 1/n, a plain running average: an exponential
        // average started from zero would underestimate the variance and raise false alarms early.
        if (state.errorCount == 0) {
            state.errorMean = absError;
            state.errorVariance = 0;
        } else {
            double a = Math.max(alpha, 1.0 / (state.errorCount + 1));
            double diff = absError - state.errorMean;
            double incr = a * diff;
            state.errorMean += incr;
            state.errorVariance = (1 - a) * (state.errorVariance + diff * incr);
        }
        state.errorCount++;
        return score;
    }

    /** Standard normal CDF (Abramowitz and Stegun 26.2.17, absolute error below 7.5e-8). */
    static double normalCdf(double z) {
        if (Double.isNaN(z)) {
            return 0;
        }
        if (z < -10) {
            return 0;
        }
        if (z > 10) {
            return 1;
        }
        double t = 1 / (1 + 0.2316419 * Math.abs(z));
        double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        double tail = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) * poly;
        return z >= 0 ? 1 - tail : tail;
    }
}
