package io.onlinelstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.state.forst.ForStConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.junit.jupiter.api.Test;
import org.rocksdb.CompressionType;

/** bench pipeline measures a disk backend with what flink-conf/config.yaml gives a TaskManager. */
class PipelineBenchmarkTest {

    @Test
    void rocksDbRunsWithTheProjectsConfigYaml() {
        Configuration conf = new Configuration();
        PipelineBenchmark.diskBackendOptions(conf, "rocksdb");
        assertTrue(conf.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER));
        List<CompressionType> compression = conf.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL);
        assertTrue(compression.stream().allMatch(c -> c == CompressionType.NO_COMPRESSION), compression.toString());
        assertEquals(MemorySize.parse("1300m"), conf.get(TaskManagerOptions.MANAGED_MEMORY_SIZE));
        // Another backend's options are not copied.
        assertTrue(conf.keySet().stream().noneMatch(k -> k.startsWith("state.backend.forst.")), conf.keySet().toString());
    }

    @Test
    void forStRunsWithTheProjectsConfigYaml() {
        Configuration conf = new Configuration();
        PipelineBenchmark.diskBackendOptions(conf, "forst");
        assertTrue(conf.get(ForStConfigurableOptions.USE_BLOOM_FILTER));
        assertTrue(conf.keySet().stream().noneMatch(k -> k.startsWith("state.backend.rocksdb.")), conf.keySet().toString());
    }
}
