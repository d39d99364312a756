package io.onlinelstm.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Consumer lag sampled over one trial at a fixed input rate, and the rule that says whether the
 * job kept up. A job that keeps up has a lag that stops growing once it has started (JIT, first
 * checkpoint, the backlog of its start-up); one that does not falls further behind every second.
 *
 * <p>Bounded means: the lowest lag of the trial's last 5 s is at most the lowest lag of the 5 s up
 * to the 15th second (or up to a quarter of a trial shorter than a minute), plus one second of
 * input. Lowest rather than last, so that a single slow moment (a GC pause, a checkpoint, a build
 * beside the benchmark) at either end does not decide the trial; one second of slack lets a 60 s
 * trial tell a job at 98 % of the rate from one that keeps up.
 */
final class LagSamples {

    static final double EARLY_END_SECONDS = 15;
    static final double WINDOW_SECONDS = 5;
    static final double SLACK_SECONDS = 1;

    private final List<double[]> samples = new ArrayList<>();

    /** @param lag readings sent minus forecasts written, {@code seconds} after the input started */
    void add(double seconds, long lag) {
        samples.add(new double[] {seconds, lag});
    }

    /**
     * The lowest lag in the 5 s up to the early mark; {@link Long#MIN_VALUE} without samples there.
     * (A lag can be a little below zero: transaction markers take offsets too.)
     */
    long early(double trialSeconds) {
        double end = Math.min(EARLY_END_SECONDS, trialSeconds / 4);
        return lowest(end - WINDOW_SECONDS, end);
    }

    /** The lowest lag in the last 5 s of the trial; {@link Long#MIN_VALUE} without samples there. */
    long late(double trialSeconds) {
        return lowest(trialSeconds - WINDOW_SECONDS, trialSeconds);
    }

    boolean bounded(double trialSeconds, double rate) {
        long early = early(trialSeconds);
        long late = late(trialSeconds);
        return early != Long.MIN_VALUE && late != Long.MIN_VALUE && late <= early + rate * SLACK_SECONDS;
    }

    private long lowest(double from, double to) {
        long min = Long.MAX_VALUE;
        for (double[] s : samples) {
            if (s[0] > from && s[0] <= to) {
                min = Math.min(min, (long) s[1]);
            }
        }
        return min == Long.MAX_VALUE ? Long.MIN_VALUE : min;
    }
}
