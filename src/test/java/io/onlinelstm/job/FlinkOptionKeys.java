package io.onlinelstm.job;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;

/** The keys of Flink 2.2's own ConfigOption definitions (and their fallback keys) that this project's files may set. */
public final class FlinkOptionKeys {

    private static final List<Class<?>> OPTION_CLASSES = List.of(
            org.apache.flink.configuration.CoreOptions.class,
            org.apache.flink.configuration.CheckpointingOptions.class,
            org.apache.flink.configuration.StateBackendOptions.class,
            org.apache.flink.configuration.RestartStrategyOptions.class,
            org.apache.flink.configuration.JobManagerOptions.class,
            org.apache.flink.configuration.TaskManagerOptions.class,
            org.apache.flink.configuration.RestOptions.class,
            org.apache.flink.configuration.RpcOptions.class,
            org.apache.flink.configuration.PipelineOptions.class,
            org.apache.flink.configuration.ExecutionOptions.class,
            org.apache.flink.configuration.ExternalResourceOptions.class,
            org.apache.flink.configuration.HighAvailabilityOptions.class,
            org.apache.flink.state.rocksdb.RocksDBOptions.class,
            org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.class,
            org.apache.flink.state.forst.ForStOptions.class,
            org.apache.flink.state.forst.ForStConfigurableOptions.class);

    private FlinkOptionKeys() {
    }

    public static Set<String> known() throws IllegalAccessException {
        return options().keySet();
    }

    /** Each key with the option that defines it, so a value can be read the way Flink reads it. */
    public static Map<String, ConfigOption<?>> options() throws IllegalAccessException {
        Map<String, ConfigOption<?>> options = new HashMap<>();
        for (Class<?> c : OPTION_CLASSES) {
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                    ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                    options.put(option.key(), option);
                    option.fallbackKeys().forEach(k -> options.put(k.getKey(), option));
                }
            }
        }
        return options;
    }

    private static final Pattern REPORTER_KEY = Pattern.compile("metrics\\.reporter\\.[A-Za-z0-9_-]+\\.(.+)");

    /**
     * A key of a named metric reporter ({@code metrics.reporter.NAME.SUFFIX}): its suffix is one
     * of Flink's reporter options or the Prometheus reporter's own port.
     */
    public static boolean isReporterKey(String key) {
        Matcher m = REPORTER_KEY.matcher(key);
        return m.matches() && reporterSuffixes().contains(m.group(1));
    }

    private static Set<String> reporterSuffixes() {
        Set<String> suffixes = new HashSet<>();
        try {
            for (Field f : org.apache.flink.configuration.MetricOptions.class.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                    String k = ((ConfigOption<?>) f.get(null)).key();
                    // Reporter options are defined by their suffix alone; the rest are full metrics.* keys.
                    if (!k.startsWith("metrics.")) {
                        suffixes.add(k);
                    }
                }
            }
            Field port = org.apache.flink.metrics.prometheus.PrometheusReporterFactory.class.getDeclaredField("ARG_PORT");
            port.setAccessible(true);
            suffixes.add((String) port.get(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Flink's reporter options could not be read", e);
        }
        return suffixes;
    }
}
