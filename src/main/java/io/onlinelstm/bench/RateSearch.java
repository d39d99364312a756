package io.onlinelstm.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the highest input rate a trial passes: from a first estimate, up by a factor while trials
 * pass (down while they fail) until one passes and one fails, then halves that gap (geometric
 * mean) until the two are within the precision. A trial costs a minute of the job, so the search
 * stops after a fixed number of them and takes the best rate that passed.
 */
final class RateSearch {

    /** One trial at a rate: whether the job sustained it. */
    @FunctionalInterface
    interface Trial {
        boolean sustains(double rate) throws Exception;
    }

    /** Rates tried, in order, and whether each passed. */
    record Step(double rate, boolean passed) {}

    private final double start;
    private final double factor;
    private final double precision;
    private final int maxTrials;
    private final double floor;
    private final List<Step> steps = new ArrayList<>();

    /**
     * @param factor how far to step while no trial has passed or none has failed (above 1)
     * @param precision stop when the lowest failing rate is within this factor of the highest passing one
     * @param floor the lowest rate worth trying
     */
    RateSearch(double start, double factor, double precision, int maxTrials, double floor) {
        if (start <= 0 || factor <= 1 || precision <= 1 || maxTrials < 1) {
            throw new IllegalArgumentException("start > 0, factor > 1, precision > 1 and maxTrials >= 1");
        }
        this.start = start;
        this.factor = factor;
        this.precision = precision;
        this.maxTrials = maxTrials;
        this.floor = floor;
    }

    /** The highest rate that passed; 0 when none did. */
    double run(Trial trial) throws Exception {
        double passed = 0;
        double failed = Double.POSITIVE_INFINITY;
        double rate = round(start);
        while (steps.size() < maxTrials) {
            boolean ok = trial.sustains(rate);
            steps.add(new Step(rate, ok));
            if (ok) {
                passed = Math.max(passed, rate);
            } else {
                failed = Math.min(failed, rate);
            }
            if (failed == Double.POSITIVE_INFINITY) {
                rate = round(passed * factor);
            } else if (passed == 0) {
                rate = round(failed / factor);
                if (rate < floor) {
                    break;
                }
            } else if (failed / passed <= precision) {
                break;
            } else {
                rate = round(Math.sqrt(passed * failed));
            }
        }
        return passed;
    }

    List<Step> steps() {
        return List.copyOf(steps);
    }

    /** Rates to three significant figures: easier to read and to rerun by hand with --rate. */
    static double round(double rate) {
        if (rate <= 0) {
            return rate;
        }
        double unit = Math.pow(10, Math.floor(Math.log10(rate)) - 2);
        return Math.round(rate / unit) * unit;
    }
}
