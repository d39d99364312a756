package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * A new job gets 4,096 key groups so it can grow far beyond the slots it starts on; a job restored
 * from a savepoint keeps the key groups it was saved with (Flink refuses to change them), unless
 * the user names a value.
 */
class MaxParallelismTest {

    private static int maxParallelismOf(Map<String, String> options, String restoringFrom) {
        Configuration conf = new Configuration();
        if (restoringFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoringFrom);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        ForecastJob.configureEnvironment(env, JobConfig.of(options));
        return env.getConfig().getMaxParallelism();
    }

    @Test
    void aNewJobGetsTheDefaultAndARestoredOneKeepsItsSavepoints() {
        assertEquals(JobOptions.DEFAULT_MAX_PARALLELISM, maxParallelismOf(Map.of(), null));
        // -1: not set by the job, so Flink takes the savepoint's (128 for earlier releases' savepoints).
        assertEquals(-1, maxParallelismOf(Map.of(), "file:///savepoints/savepoint-1"));
        assertEquals(256, maxParallelismOf(Map.of("job.max-parallelism", "256"), null));
        assertEquals(128, maxParallelismOf(Map.of("job.max-parallelism", "128"), "file:///savepoints/savepoint-1"));
    }
}
