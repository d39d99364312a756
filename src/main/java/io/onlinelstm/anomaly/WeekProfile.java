package io.onlinelstm.anomaly;

import io.onlinelstm.state.AnomalyState;

/**
 * What each day of the week adds to a series' daily profile: per day of the week and three-hour
 * block of the day ({@value #BLOCKS} blocks), the usual offset of the value from the daily profile's
 * usual level. A daily profile alone mixes weekdays and weekends, so a weekday that behaves like a
 * Sunday (a public holiday, an office closed by a storm) looks no stranger than any weekend; with the
 * day's offset it stands out. On NAB this found three of {@code nyc_taxi}'s five holidays that the
 * daily profile missed, and moved no other file (docs/benchmarks.md).
 *
 * <p>Offsets are learnt from a series' second week on and used from its third: a weekly pattern
 * needs two weeks before one week can be told from the next. Each block's offset averages the
 * block over about the last {@value #MEMORY_WEEKS} weeks, so a changed weekly habit is learnt in a
 * few weeks. For a series without a weekly pattern the offsets stay near zero and change nothing.
 *
 * <p>The offsets are stored as 16-bit fixed-point numbers in units of a per-series step ({@code
 * weekStep}), 112 bytes for the week: the step starts at 1/8,192 of the series' range when the
 * offsets are first kept, and doubles (halving every stored number) whenever an offset would not
 * fit, so any scale of value is held to about four significant digits of the range.
 */
final class WeekProfile {

    /** Three-hour blocks per day: coarse enough that each block sees many readings a week. */
    static final int BLOCKS = 8;
    static final long DAY_MILLIS = 86_400_000L;
    /** History before the offsets are learnt (a week) and before they are used (two weeks). */
    static final long LEARN_AFTER_MILLIS = 7 * DAY_MILLIS;
    static final long USE_AFTER_MILLIS = 14 * DAY_MILLIS;
    /** Weeks a block's offset averages over. */
    static final double MEMORY_WEEKS = 3;
    /** The first step as a share of the series' range. */
    private static final double FIRST_STEP_OF_RANGE = 1.0 / 8_192;

    private WeekProfile() {}

    /** The block of the week (0 .. 7 * BLOCKS - 1) of an event time, in UTC days. */
    static int block(long ts) {
        long day = Math.floorDiv(ts, DAY_MILLIS);
        return (int) (Math.floorMod(day, 7L) * BLOCKS + Math.floorMod(ts, DAY_MILLIS) * BLOCKS / DAY_MILLIS);
    }

    /** What this block of the week usually adds to the daily profile; 0 until two weeks of history. */
    static double offset(AnomalyState s, long ts) {
        if (s.weekOffsets == null || ts - s.firstTs < USE_AFTER_MILLIS) {
            return 0;
        }
        return s.weekOffsets[block(ts)] * (double) s.weekStep;
    }

    /** Folds the value's distance from the daily profile ({@code fromDaily}) into its block's offset. */
    static void learn(AnomalyState s, long ts, double fromDaily) {
        long age = ts - s.firstTs;
        if (age < LEARN_AFTER_MILLIS || s.valueCount < 2 || !Double.isFinite(fromDaily)) {
            return;
        }
        if (s.weekOffsets == null) {
            s.weekOffsets = new short[7 * BLOCKS];
            double range = s.maxValue - s.minValue;
            s.weekStep = (float) (range > 0 ? range * FIRST_STEP_OF_RANGE : Math.max(Math.abs(s.maxValue), 1.0) * FIRST_STEP_OF_RANGE);
        }
        // Readings per visit of a block: its length over the series' mean interval.
        double interval = Math.max(1.0, (double) age / s.valueCount);
        double perVisit = DAY_MILLIS / (double) BLOCKS / interval;
        double rate = 1.0 / Math.max(1.0, MEMORY_WEEKS * perVisit);
        int b = block(ts);
        double old = s.weekOffsets[b] * (double) s.weekStep;
        double updated = old + rate * (fromDaily - old);
        while (Math.abs(updated / s.weekStep) > Short.MAX_VALUE) {
            // Halve every stored number and double the step: the block's offset fits again.
            for (int i = 0; i < s.weekOffsets.length; i++) {
                s.weekOffsets[i] = (short) (s.weekOffsets[i] / 2);
            }
            s.weekStep *= 2;
        }
        long stored = Math.round(updated / s.weekStep);
        if (stored == s.weekOffsets[b] && Math.abs(fromDaily - old) >= s.weekStep) {
            // A step smaller than half the fixed point's unit would round away and the offset would
            // stall short of its target: it moves by one unit instead.
            stored += fromDaily > old ? 1 : -1;
        }
        s.weekOffsets[b] = (short) Math.max(-Short.MAX_VALUE, Math.min(Short.MAX_VALUE, stored));
    }
}
