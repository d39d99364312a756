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
            assertTrue(known.contains(key) || FlinkOptionKeys.isReporterKey(key),
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

    static Set<String> knownKeys() throws IllegalAccessException {
        return FlinkOptionKeys.known();
    }
}
