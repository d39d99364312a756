package io.onlinelstm.bench;

import java.util.Locale;

/**
 * Disk a {@code bench scale} run needs under its folder, from the figures measured on the job's
 * defaults (docs/benchmarks.md), so that a run too large for the disk is refused before its cluster
 * starts rather than dying of a full disk half an hour in.
 */
public final class ScaleDiskEstimate {

    /**
     * RocksDB's files per series: the live values and the overwritten copies universal compaction has
     * yet to drop (4,542 bytes measured at 1 M series).
     */
    static final long ROCKSDB_BYTES_PER_SERIES = 4_600;
    /**
     * A series' serialized state (2,319 bytes by {@code bench state}) and the serving model's share,
     * as a heap checkpoint writes it.
     */
    static final long HEAP_BYTES_PER_SERIES = 2_400;
    /** Heap checkpoints are full snapshots: the retained ones (config.yaml: 3) and the one being written. */
    static final int HEAP_SNAPSHOTS_ON_DISK = 4;
    /** A reading and its forecast in the cluster's broker: about 60 and 230 bytes of JSON, keys and record overhead. */
    static final long KAFKA_BYTES_PER_READING = 400;

    private ScaleDiskEstimate() {}

    /**
     * @param readings every reading the run sends (first readings, backlog, fixed-rate and recovery phases)
     */
    public static long bytes(String backend, long series, long readings) {
        long state = backend.equalsIgnoreCase("rocksdb")
                // The local files, and the checkpoints' copies of them (incremental checkpoints share
                // the files that did not change, so the retained ones hold about one copy).
                ? 2 * ROCKSDB_BYTES_PER_SERIES * series
                : HEAP_SNAPSHOTS_ON_DISK * HEAP_BYTES_PER_SERIES * series;
        return state + KAFKA_BYTES_PER_READING * readings;
    }

    /**
     * @return null when {@code usable} covers the estimate; else what is wrong and what to do
     */
    public static String shortfall(String backend, long series, long readings, long usable, String folder) {
        long need = bytes(backend, series, readings);
        if (need <= usable) {
            return null;
        }
        return String.format(Locale.ROOT, "%,d series on %s need about %.0f GB of disk under %s (the state backend's"
                        + " files, the checkpoints' copies and the broker's log), and %.0f GB are free there. Give --out a"
                        + " folder on a larger disk, or fewer --series.",
                series, backend, need / 1e9, folder, usable / 1e9);
    }
}
