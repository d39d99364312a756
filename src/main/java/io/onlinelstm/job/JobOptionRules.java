package io.onlinelstm.job;

import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * What each {@link JobOptions} value may be, checked per option so that a bad value is reported
 * under the option's own name ({@code --model.hidden-size}) with the accepted range, before
 * anything starts. The settings classes (LstmConfig, TrainingSettings, ...) keep their own checks
 * as a second line of defence; their messages name internal fields, which users never see when
 * these rules run first.
 */
public final class JobOptionRules {

    /** A rule returns what is wrong with a typed value, as "must be ..., got ...", or null when it is fine. */
    private static final Map<String, Function<Object, String>> RULES = new HashMap<>();

    static {
        rule(JobOptions.KAFKA_STARTING_OFFSETS, oneOf("committed-or-earliest", "earliest", "latest"));
        rule(JobOptions.KAFKA_DELIVERY_GUARANTEE, oneOf("exactly-once", "at-least-once"));
        rule(JobOptions.KAFKA_TRANSACTION_TIMEOUT, durationAtLeast(Duration.ofMillis(1)));
        rule(JobOptions.KAFKA_SINK_LINGER, durationAtLeast(Duration.ZERO));
        rule(JobOptions.INPUT_MAX_RECORD_BYTES, intRange(1, Integer.MAX_VALUE));
        rule(JobOptions.MODEL_FEATURES, intRange(1, LstmConfig.MAX_FEATURES));
        rule(JobOptions.MODEL_HIDDEN_SIZE, intRange(1, LstmConfig.MAX_HIDDEN_SIZE));
        rule(JobOptions.MODEL_LAYERS, intRange(1, LstmConfig.MAX_LAYERS));
        rule(JobOptions.MODEL_HORIZON, intRange(1, LstmConfig.MAX_HORIZON));
        rule(JobOptions.MODEL_DROPOUT, v -> ((Float) v) >= 0f && ((Float) v) < 1f ? null : "must be a number in [0, 1), got " + v);
        rule(JobOptions.MODEL_DEVICE, JobOptionRules::device);
        rule(JobOptions.BUNDLE_SIZE, intRange(1, Integer.MAX_VALUE));
        rule(JobOptions.BUNDLE_MAX_WAIT, durationAtLeast(Duration.ZERO));
        rule(JobOptions.WINDOW, intRange(1, Integer.MAX_VALUE));
        rule(JobOptions.OUT_OF_ORDER, oneOf("dead-letter", "accept"));
        rule(JobOptions.FORECAST_TARGET, oneOf("delta", "level"));
        rule(JobOptions.STATE_TTL, durationAtLeast(Duration.ZERO));
        rule(JobOptions.ANOMALY_THRESHOLD, v -> ((Double) v) > 0 && ((Double) v) <= 1 ? null : "must be a number in (0, 1], got " + v);
        rule(JobOptions.ANOMALY_WARMUP, intRange(0, Integer.MAX_VALUE));
        rule(JobOptions.ANOMALY_LONG_WINDOW, intRange(2, Integer.MAX_VALUE));
        rule(JobOptions.ANOMALY_SHORT_WINDOW, intRange(1, Integer.MAX_VALUE));
        rule(JobOptions.ANOMALY_QUIET_PERIOD, durationAtLeast(Duration.ZERO));
        rule(JobOptions.ANOMALY_RESIDUAL, oneOf("network", "combined"));
        rule(JobOptions.ANOMALY_RANGE_TOLERANCE, v -> ((Double) v) >= 0 ? null : "must be a number >= 0, got " + v);
        rule(JobOptions.ANOMALY_PARTS, v -> {
            for (String part : ((String) v).split(",")) {
                String p = part.trim();
                if (!p.isEmpty() && !java.util.List.of("residual", "spike", "season", "range", "flat").contains(p)) {
                    return "must list parts among residual, spike, season, range, flat (comma-separated), got '" + p + "'";
                }
            }
            return null;
        });
        rule(JobOptions.TRAINING_MODE, oneOf("off", "async", "inline"));
        rule(JobOptions.TRAINING_STRIDE, intRange(1, Integer.MAX_VALUE));
        rule(JobOptions.TRAINING_SAMPLE_RATE, v -> ((Double) v) > 0 && ((Double) v) <= 1 ? null : "must be a number in (0, 1], got " + v);
        rule(JobOptions.TRAINING_BUFFER, intRange(2, Integer.MAX_VALUE));
        rule(JobOptions.TRAINING_HOLDOUT, intRange(1, Integer.MAX_VALUE));
        rule(JobOptions.TRAINING_EVERY_WINDOWS, intRange(1, Integer.MAX_VALUE));
        rule(JobOptions.TRAINING_EVERY, durationAtLeast(Duration.ZERO));
        rule(JobOptions.TRAINING_MIN_WINDOWS, intRange(0, Integer.MAX_VALUE));
        rule(JobOptions.TRAINING_EVERY_SHARE, finiteAtLeast(0, true));
        rule(JobOptions.TRAINING_STEPS, intRange(1, Integer.MAX_VALUE));
        rule(JobOptions.TRAINING_BATCH, intRange(1, Integer.MAX_VALUE));
        rule(JobOptions.TRAINING_LEARNING_RATE, finiteAtLeast(0, false));
        rule(JobOptions.TRAINING_WEIGHT_DECAY, finiteAtLeast(0, true));
        rule(JobOptions.TRAINING_CLIP_NORM, finiteAtLeast(0, true));
        rule(JobOptions.TRAINING_TOLERANCE, finiteAtLeast(0, true));
        rule(JobOptions.TRAINING_MAX_BUSY_SHARE, v -> ((Double) v) > 0 && ((Double) v) <= 1 ? null : "must be a number in (0, 1], got " + v);
        rule(JobOptions.TRAINING_ROLLBACK_MARGIN, finiteAtLeast(0, true));
        rule(JobOptions.TRAINING_ROLLBACK_MIN_SAMPLES, v -> ((Long) v) >= 0 ? null : "must be an integer >= 0, got " + v);
        rule(JobOptions.MODEL_STORE_RETENTION_VERSIONS, intRange(1, Integer.MAX_VALUE));
        rule(JobOptions.PARALLELISM, v -> ((Integer) v) == -1 || ((Integer) v) >= 1 ? null
                : "must be an integer >= 1, or -1 for Flink's default, got " + v);
        // Flink's upper bound of key groups is 2^15.
        rule(JobOptions.MAX_PARALLELISM, v -> ((Integer) v) == -1 || (((Integer) v) >= 1 && ((Integer) v) <= 32_768) ? null
                : "must be an integer from 1 to 32768, or -1 for the default, got " + v);
        rule(JobOptions.BUFFER_TIMEOUT, durationAtLeast(Duration.ZERO));
        // Flink refuses checkpoint intervals under 10 ms.
        rule(JobOptions.CHECKPOINT_INTERVAL, durationAtLeast(Duration.ofMillis(10)));
        rule(JobOptions.STATE_BACKEND, oneOf("", "hashmap", "rocksdb", "forst"));
    }

    private JobOptionRules() {}

    /** The option of this name (or one of its fallback names), or null when there is none. */
    public static ConfigOption<?> find(String name) {
        for (ConfigOption<?> o : JobOptions.all()) {
            if (o.key().equals(name)) {
                return o;
            }
            for (var fallback : o.fallbackKeys()) {
                if (fallback.getKey().equals(name)) {
                    return o;
                }
            }
        }
        return null;
    }

    /** Every name an option may be given by, the fallback names included. */
    public static List<String> names() {
        return JobOptions.all().stream()
                .flatMap(o -> java.util.stream.Stream.concat(java.util.stream.Stream.of(o.key()),
                        java.util.stream.StreamSupport.stream(o.fallbackKeys().spliterator(), false).map(k -> k.getKey())))
                .toList();
    }

    /**
     * What is wrong with this text as a value of the option: not of its type, or out of its range.
     * Null when it is fine. Never quotes a value of {@code kafka.properties}, which holds credentials.
     */
    public static String problem(ConfigOption<?> option, String text) {
        Object value;
        try {
            value = Configuration.fromMap(Map.of(option.key(), text)).get(option);
        } catch (IllegalArgumentException e) {
            return typeProblem(option, text);
        }
        return rangeProblem(option, value);
    }

    /** What is wrong with a typed value of the option, or null when it is fine. */
    public static String rangeProblem(ConfigOption<?> option, Object value) {
        Function<Object, String> rule = RULES.get(option.key());
        return rule == null || value == null ? null : rule.apply(value);
    }

    /** What is wrong with a combination of options, naming them; null when nothing is. */
    public static String combinationProblem(JobConfigView config) {
        int holdout = config.get(JobOptions.TRAINING_HOLDOUT);
        int buffer = config.get(JobOptions.TRAINING_BUFFER);
        if (holdout >= buffer) {
            return "--" + JobOptions.TRAINING_HOLDOUT.key() + " (" + holdout + ") must be below --"
                    + JobOptions.TRAINING_BUFFER.key() + " (" + buffer + ")";
        }
        int shortWindow = config.get(JobOptions.ANOMALY_SHORT_WINDOW);
        int longWindow = config.get(JobOptions.ANOMALY_LONG_WINDOW);
        if (shortWindow >= longWindow) {
            return "--" + JobOptions.ANOMALY_SHORT_WINDOW.key() + " (" + shortWindow + ") must be below --"
                    + JobOptions.ANOMALY_LONG_WINDOW.key() + " (" + longWindow + ")";
        }
        return null;
    }

    /** Typed access to resolved options, so the combination check works on any configuration. */
    @FunctionalInterface
    public interface JobConfigView {
        <T> T get(ConfigOption<T> option);
    }

    private static String typeProblem(ConfigOption<?> option, String text) {
        Object def = option.defaultValue();
        if (option == JobOptions.KAFKA_PROPERTIES) {
            return "must be k1:v1,k2:v2 (quote a value that holds a comma or a colon with single quotes, or use"
                    + " --kafka.properties-file); the value is not shown because it may hold credentials";
        }
        String expected;
        if (def instanceof Integer || def instanceof Long) {
            expected = "an integer";
        } else if (def instanceof Float || def instanceof Double) {
            expected = "a number";
        } else if (def instanceof Duration) {
            expected = "a duration such as 500 ms, 10 s or 5 min";
        } else {
            expected = "a " + (def == null ? "value" : def.getClass().getSimpleName().toLowerCase(Locale.ROOT));
        }
        return "must be " + expected + ", got '" + text + "'";
    }

    private static void rule(ConfigOption<?> option, Function<Object, String> rule) {
        RULES.put(option.key(), rule);
    }

    private static Function<Object, String> intRange(int min, int max) {
        return v -> {
            int i = (Integer) v;
            if (i >= min && i <= max) {
                return null;
            }
            return max == Integer.MAX_VALUE ? "must be an integer >= " + min + ", got " + i
                    : "must be an integer from " + min + " to " + max + ", got " + i;
        };
    }

    private static Function<Object, String> finiteAtLeast(double min, boolean inclusive) {
        return v -> {
            double d = ((Number) v).doubleValue();
            boolean ok = Double.isFinite(d) && (inclusive ? d >= min : d > min);
            return ok ? null : "must be a finite number " + (inclusive ? ">= " : "> ") + format(min) + ", got " + v;
        };
    }

    private static Function<Object, String> durationAtLeast(Duration min) {
        return v -> ((Duration) v).compareTo(min) >= 0 ? null
                : "must be a duration >= " + (min.isZero() ? "0" : org.apache.flink.util.TimeUtils.formatWithHighestUnit(min))
                        + ", got " + org.apache.flink.util.TimeUtils.formatWithHighestUnit((Duration) v);
    }

    private static Function<Object, String> oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return v -> {
            String s = v.toString().trim().toLowerCase(Locale.ROOT);
            if (values.contains(s)) {
                return null;
            }
            List<String> shown = values.stream().filter(a -> !a.isEmpty()).toList();
            return "must be one of " + String.join(", ", shown) + (values.contains("") ? " (or empty)" : "") + ", got '" + v + "'";
        };
    }

    private static String device(Object v) {
        try {
            ComputeDevice.parse(v.toString());
            return null;
        } catch (IllegalArgumentException e) {
            return "must be auto, cpu, gpu or gpu:N (for example gpu:0), got '" + v + "'";
        }
    }

    private static String format(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
