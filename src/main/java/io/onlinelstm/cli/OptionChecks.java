package io.onlinelstm.cli;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.flink.util.TimeUtils;

/**
 * Range checks of the commands' own options, run before a command starts anything (broker, Flink,
 * DJL), so that a typo fails in milliseconds with the option's name instead of misbehaving later.
 */
final class OptionChecks {

    private OptionChecks() {}

    static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw invalid(option, String.valueOf(value), "must be an integer >= " + min);
        }
    }

    static void atLeastEach(String option, Collection<? extends Number> values, long min) {
        if (values.isEmpty()) {
            throw invalid(option, "", "needs at least one value");
        }
        for (Number v : values) {
            if (v.longValue() < min) {
                throw invalid(option, String.valueOf(v), "every value must be an integer >= " + min);
            }
        }
    }

    static void between(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(option, String.valueOf(value), "must be an integer from " + min + " to " + max);
        }
    }

    /** A finite number above zero: rates, lengths. */
    static void positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw invalid(option, number(value), "must be a number > 0");
        }
    }

    static void notNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw invalid(option, number(value), "must be a number >= 0");
        }
    }

    /** A share, as of bad records: from 0 to 1 inclusive. */
    static void fraction(String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw invalid(option, number(value), "must be a number from 0 to 1");
        }
    }

    static void oneOf(String option, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw invalid(option, "'" + value + "'", "must be one of " + String.join(", ", allowed));
        }
    }

    /** A duration such as 60s or 5min, at least {@code min}; a bare 0 is zero. */
    static Duration duration(String option, String text, Duration min) {
        Duration d;
        try {
            d = "0".equals(text.trim()) ? Duration.ZERO : TimeUtils.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw invalid(option, "'" + text + "'", "must be a duration such as 500ms, 60s or 5min");
        }
        if (d.compareTo(min) < 0) {
            throw invalid(option, "'" + text + "'", "must be a duration >= " + (min.isZero() ? "0" : TimeUtils.formatWithHighestUnit(min)));
        }
        return d;
    }

    /** As typed, usually: -5 rather than -5.0. */
    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
    }

    static InvalidOptionException invalid(String option, String value, String rule) {
        return new InvalidOptionException("invalid value for " + option + ": " + rule + ", got " + value);
    }
}
