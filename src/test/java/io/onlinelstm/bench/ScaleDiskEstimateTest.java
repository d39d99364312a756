package io.onlinelstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScaleDiskEstimateTest {

    @Test
    void rocksdbCountsItsFilesTwiceAndTheBrokerPerReading() {
        assertEquals(2 * ScaleDiskEstimate.ROCKSDB_BYTES_PER_SERIES * 1_000 + ScaleDiskEstimate.KAFKA_BYTES_PER_READING * 5_000,
                ScaleDiskEstimate.bytes("rocksdb", 1_000, 5_000));
        assertEquals(ScaleDiskEstimate.HEAP_SNAPSHOTS_ON_DISK * ScaleDiskEstimate.HEAP_BYTES_PER_SERIES * 1_000,
                ScaleDiskEstimate.bytes("hashmap", 1_000, 0));
    }

    @Test
    void tenMillionSeriesOnRocksdbDoNotFitSeventyEightGigabytes() {
        long readings = 10_000_000L + 1_000_000 + 20_000L * (5 * 60 + ScaleBenchmark.RECOVERY_LIMIT.toSeconds());
        String shortfall = ScaleDiskEstimate.shortfall("rocksdb", 10_000_000, readings, 78_000_000_000L, "/data/scale");
        assertTrue(shortfall != null && shortfall.startsWith("10,000,000 series on rocksdb need about ")
                && shortfall.contains("/data/scale") && shortfall.contains("78 GB are free") && shortfall.contains("--out"),
                shortfall);
        assertNull(ScaleDiskEstimate.shortfall("rocksdb", 1_000_000, 2_000_000, 78_000_000_000L, "/data/scale"));
    }
}
