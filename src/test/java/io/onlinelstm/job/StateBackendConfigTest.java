package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** state.backend picks Flink's backend; the disk-backed ones (rocksdb, forst) take incremental checkpoints. */
class StateBackendConfigTest {

    @ParameterizedTest
    @CsvSource({"hashmap,false", "rocksdb,true", "forst,true"})
    void theDiskBackedBackendsCheckpointIncrementally(String backend, boolean incremental) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        ForecastJob.configureEnvironment(env, JobConfig.of(Map.of("state.backend", backend)));
        assertEquals(backend, env.getConfiguration().get(StateBackendOptions.STATE_BACKEND));
        assertEquals(incremental, env.getConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
    }
}
