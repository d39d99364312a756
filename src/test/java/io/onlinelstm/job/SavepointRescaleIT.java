package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.io.JsonCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop with a savepoint and restart from it at another parallelism, twice (2 -> 1 -> 3), on the
 * local cluster, keeping the savepoint's max parallelism (128, as earlier releases' savepoints) and
 * switching the state backend (heap, then RocksDB, then heap again): every series' LSTM state and normaliser follow its key to whichever subtask owns
 * it now, so the forecasts of all three runs together equal, to 1e-5, those of one uninterrupted
 * run, with exactly one committed forecast per reading.
 */
class SavepointRescaleIT {

    private static final int KEYS = TaskManagerFailureIT.KEYS;
    private static final int PER_KEY = TaskManagerFailureIT.PER_KEY;

    @Test
    void forecastsContinueAcrossSavepointsAtParallelismOneAndThree(@TempDir Path state) throws Exception {
        try (LocalCluster cluster = new LocalCluster(state, 19094)) {
            cluster.start();
            // Run 0 keeps 128 key groups, what earlier releases' savepoints have (Flink's default at low
            // parallelism); the restarts name none, so they must keep the savepoint's.
            String job = cluster.submit(TaskManagerFailureIT.concat(TaskManagerFailureIT.JOB, "--job.parallelism", "2",
                    "--job.max-parallelism", "128"));
            String savepoint = null;
            int[] parallelism = {2, 1, 3};
            // Run 1 switches to RocksDB and run 2 back to the heap: savepoints are canonical, so a
            // job can change its state backend at a restart.
            String[] backend = {"hashmap", "rocksdb", "hashmap"};
            for (int run = 0; run < 3; run++) {
                if (run > 0) {
                    job = cluster.submitFromSavepoint(savepoint, TaskManagerFailureIT.concat(TaskManagerFailureIT.JOB,
                            "--job.parallelism", String.valueOf(parallelism[run]), "--state.backend", backend[run]));
                }
                int from = run * PER_KEY / 3;
                int to = (run + 1) * PER_KEY / 3;
                ReferenceRun.produce(cluster.servers(), KEYS, from, to, 20);
                KafkaTestClients.readCommitted(cluster.servers(), "forecasts", r -> r.size() >= KEYS * to,
                        Duration.ofMinutes(3), Duration.ZERO);
                assertEquals(parallelism[run], cluster.vertex(job, "lstm forecaster").get("parallelism").asInt(),
                        "forecaster parallelism of run " + run);
                assertEquals(128, cluster.vertex(job, "lstm forecaster").get("maxParallelism").asInt(),
                        "key groups of run " + run + " (restored from a savepoint with 128)");
                awaitEverySubtaskRead(cluster, job, run);
                if (run < 2) {
                    savepoint = cluster.stopWithSavepoint(job);
                    cluster.awaitJobStatus(job, "FINISHED", Duration.ofMinutes(1));
                    System.out.println("SAVEPOINT run " + run + " at parallelism " + parallelism[run] + " on " + backend[run]
                            + " stopped into " + savepoint);
                }
            }
            ReferenceRun.assertExactlyOnceAndEqual(KafkaTestClients.readCommitted(cluster.servers(), "forecasts",
                    r -> r.size() >= KEYS * PER_KEY, Duration.ofMinutes(3), Duration.ofSeconds(6)),
                    KEYS, PER_KEY, TaskManagerFailureIT.HIDDEN);
            boolean ranOnRocksDb = false;
            for (Path log : cluster.logFiles()) {
                ranOnRocksDb |= java.nio.file.Files.readString(log).contains("EmbeddedRocksDBStateBackend");
            }
            assertTrue(ranOnRocksDb, "run 1 never ran on RocksDB");
        }
    }

    /**
     * With training on, a savepoint carries the trainer too: after a restart at parallelism 3 it
     * goes on publishing from its restored version (no version reused), the forecasters resume on
     * the version they served, no series sees its version go back, and output stays exactly once.
     */
    @Test
    void trainingResumesFromTheSavepointAtAnotherParallelism(@TempDir Path state) throws Exception {
        String[] training = {"--training.mode", "async", "--checkpoint.interval", "2 s", "--model.hidden-size", "16",
            "--forecaster.bundle-size", "32", "--kafka.starting-offsets", "earliest", "--forecaster.window", "8",
            "--training.stride", "2", "--training.min-windows", "128", "--training.every-windows", "256",
            "--training.holdout-windows", "32", "--training.steps", "5", "--training.batch-size", "16",
            "--training.learning-rate", "0.01", "--training.tolerance", "0.5"};
        int keys = 100;
        try (LocalCluster cluster = new LocalCluster(state, 19097)) {
            cluster.start();
            String job = cluster.submit(TaskManagerFailureIT.concat(training, "--job.parallelism", "2"));
            ReferenceRun.produce(cluster.servers(), keys, 0, 60, 20);
            KafkaTestClients.readCommitted(cluster.servers(), "forecasts", r -> r.size() >= keys * 60, Duration.ofMinutes(3), Duration.ZERO);
            long before = newestVersion(KafkaTestClients.readCommitted(cluster.servers(), "model-updates",
                    r -> newestVersion(r) >= 2, Duration.ofMinutes(2), Duration.ZERO));
            assertTrue(before >= 2, "the trainer published before the savepoint: newest " + before);
            String savepoint = cluster.stopWithSavepoint(job);
            cluster.awaitJobStatus(job, "FINISHED", Duration.ofMinutes(1));
            long beforeRestart = newestVersion(KafkaTestClients.readCommitted(cluster.servers(), "model-updates",
                    r -> true, Duration.ofSeconds(10), Duration.ofSeconds(3)));

            cluster.submitFromSavepoint(savepoint, TaskManagerFailureIT.concat(training, "--job.parallelism", "3"));
            ReferenceRun.produce(cluster.servers(), keys, 60, 120, 20);
            List<ConsumerRecord<byte[], byte[]>> updates = KafkaTestClients.readCommitted(cluster.servers(), "model-updates",
                    r -> newestVersion(r) > beforeRestart, Duration.ofMinutes(3), Duration.ofSeconds(2));
            List<ConsumerRecord<byte[], byte[]>> forecasts = KafkaTestClients.readCommitted(cluster.servers(), "forecasts",
                    r -> r.size() >= keys * 120, Duration.ofMinutes(3), Duration.ofSeconds(4));

            long previous = 0;
            for (ConsumerRecord<byte[], byte[]> u : updates) {
                long v = JsonCodec.mapper().readTree(u.value()).get("version").asLong();
                assertTrue(v > previous, "published versions must rise without reuse across the restart: " + previous + " then " + v);
                previous = v;
            }
            assertTrue(previous > beforeRestart, "the restored trainer published again");
            Set<String> ids = new HashSet<>();
            Map<String, Long> lastVersion = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : forecasts) {
                JsonNode f = JsonCodec.mapper().readTree(r.value());
                String key = f.get("key").asText();
                assertTrue(ids.add(key + "@" + f.get("ts").asLong()), "duplicate forecast for " + key);
                long v = f.get("modelVersion").asLong();
                Long last = lastVersion.put(key, v);
                assertTrue(last == null || v >= last, "version went back for " + key + ": " + last + " -> " + v);
            }
            assertEquals(keys * 120, ids.size(), "one committed forecast per reading");
        }
    }

    private static long newestVersion(List<ConsumerRecord<byte[], byte[]>> updates) {
        long newest = 0;
        for (ConsumerRecord<byte[], byte[]> u : updates) {
            try {
                newest = Math.max(newest, JsonCodec.mapper().readTree(u.value()).get("version").asLong());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return newest;
    }

    /** Every forecaster subtask got readings: the keys spread over all of them (REST metrics lag a few seconds). */
    private static void awaitEverySubtaskRead(LocalCluster cluster, String job, int run) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            boolean all = true;
            for (JsonNode subtask : cluster.vertex(job, "lstm forecaster").get("subtasks")) {
                all &= subtask.get("metrics").get("read-records").asLong() > 0;
            }
            if (all) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "a forecaster subtask of run " + run + " received no readings");
            Thread.sleep(1_000);
        }
    }
}
