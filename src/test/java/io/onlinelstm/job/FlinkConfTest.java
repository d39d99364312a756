package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Test;

/** flink-conf/config.yaml parses with Flink's own loader and every key in it is a real Flink 2.2 option. */
class FlinkConfTest {

    @Test
    void configYamlHoldsOnlyRealFlinkOptions() throws Exception {
        Configuration conf = GlobalConfiguration.loadConfiguration(Path.of("flink-conf").toAbsolutePath().toString());
        Set<String> known = knownKeys();
        for (String key : conf.keySet()) {
            assertTrue(known.contains(key) || isReporterKey(key),
                    "flink-conf/config.yaml sets '" + key + "', which Flink 2.2 does not define");
        }
        assertTrue(conf.keySet().size() > 15, "config.yaml looks empty: " + conf.keySet());
    }

    @Test
    void configYamlSetsExactlyOnceCheckpointsAndParentFirstDjl() {
        Configuration conf = GlobalConfiguration.loadConfiguration(Path.of("flink-conf").toAbsolutePath().toString());
        assertEquals(Duration.ofSeconds(10), conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertEquals(CheckpointingMode.EXACTLY_ONCE, conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE));
        assertEquals("hashmap", conf.get(StateBackendOptions.STATE_BACKEND));
        assertTrue(conf.get(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL).contains("ai.djl."));
        assertEquals(2, conf.get(TaskManagerOptions.NUM_TASK_SLOTS));
        assertTrue(conf.get(CoreOptions.FLINK_TM_JVM_OPTIONS).contains("-Dai.djl.offline=true"));
    }

    @Test
    void configYamlServesPrometheusMetrics() throws Exception {
        Configuration conf = GlobalConfiguration.loadConfiguration(Path.of("flink-conf").toAbsolutePath().toString());
        String factory = conf.toMap().get("metrics.reporter.prom.factory.class");
        assertEquals(org.apache.flink.metrics.prometheus.PrometheusReporterFactory.class.getName(), factory);
        // Several TaskManagers on one host each take the next free port.
        assertTrue(conf.toMap().get("metrics.reporter.prom.port").matches("\\d+-\\d+"), conf.toMap().get("metrics.reporter.prom.port"));
    }

    /**
     * A key of a named metric reporter ({@code metrics.reporter.NAME.SUFFIX}): its suffix is one
     * of Flink's reporter options or the Prometheus reporter's own port.
     */
    static boolean isReporterKey(String key) throws ReflectiveOperationException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("metrics\\.reporter\\.[A-Za-z0-9_-]+\\.(.+)").matcher(key);
        if (!m.matches()) {
            return false;
        }
        Set<String> suffixes = new HashSet<>();
        for (Field f : org.apache.flink.configuration.MetricOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                String k = ((ConfigOption<?>) f.get(null)).key();
                if (!k.startsWith("metrics.")) {
                    suffixes.add(k);
                }
            }
        }
        Field port = org.apache.flink.metrics.prometheus.PrometheusReporterFactory.class.getDeclaredField("ARG_PORT");
        port.setAccessible(true);
        suffixes.add((String) port.get(null));
        return suffixes.contains(m.group(1));
    }

    static Set<String> knownKeys() throws IllegalAccessException {
        return FlinkOptionKeys.known();
    }
}
