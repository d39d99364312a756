package io.onlinelstm.operator;

/** Exponentially weighted mean, for rolling error gauges; NaN until the first value. */
final class RollingMean {

    private final double alpha;
    private double mean = Double.NaN;

    RollingMean(int horizonRecords) {
        this.alpha = 1.0 / horizonRecords;
    }

    void add(double v) {
        mean = Double.isNaN(mean) ? v : mean + alpha * (v - mean);
    }

    double get() {
        return mean;
    }
}
