package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster of processes (deploy/local/cluster.sh): a TaskManager is killed with SIGKILL in
 * the middle of the stream, while the trainer publishes. The job recovers from its last checkpoint
 * on the surviving TaskManager, and a read_committed consumer sees exactly one forecast per
 * reading, none lost, none duplicated, with the checks of {@link TrainingFaultChecks}.
 */
class TaskManagerFailureIT {

    static final int KEYS = 100;
    static final int PER_KEY = 150;
    static final int HIDDEN = 16;

    /** Level forecasts without training, so a rerun must match exactly (the first rescale test). */
    static final String[] JOB = {"--training.mode", "off", "--checkpoint.interval", "2 s",
        "--model.hidden-size", String.valueOf(HIDDEN), "--forecaster.bundle-size", "32",
        "--kafka.starting-offsets", "earliest", "--forecaster.target", "level"};

    @TempDir
    static Path state;
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster(state, 19092);
    }

    /** Before each test: every process up, the TaskManager a previous test killed started again. */
    @BeforeEach
    void everyProcessUp() throws Exception {
        cluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void exactlyOnceOutputSurvivesAKilledTaskManager() throws Exception {
        Path store = state.resolve("models");
        String job = cluster.submit(TrainingFaultChecks.job(store, "--job.parallelism", "2"));
        Thread producer = new Thread(() -> ReferenceRun.produce(cluster.servers(), KEYS, 0, PER_KEY, 50));
        producer.start();
        // Kill a TaskManager once forecasts and a model version are committed, while readings still flow.
        KafkaTestClients.readCommitted(cluster.servers(), "forecasts", r -> r.size() >= 1_000, Duration.ofMinutes(2), Duration.ZERO);
        TrainingFaultChecks.awaitFirstPublished(cluster.servers());
        // Kill the TaskManager that runs the forecaster's first subtask.
        String victim = cluster.taskManagerOf(job, "lstm forecaster");
        long killedAt = System.currentTimeMillis();
        cluster.kill("taskmanager-" + victim.substring(3), "KILL");
        producer.join();

        TrainingFaultChecks.assertAll(cluster.servers(), store, KEYS, PER_KEY);
        // The job really failed over: the JobManager restarted it after losing the TaskManager.
        String jobManagerLog = cluster.log("jobmanager");
        assertTrue(jobManagerLog.contains("to RESTARTING"), "the job never restarted");
        printRecovery(jobManagerLog, killedAt, "the TaskManager was killed");
        cluster.cancel(job);
    }

    /**
     * The same fault on the RocksDB state backend with incremental checkpoints (training off, so a
     * rerun must match exactly): every series' state comes back from RocksDB's checkpoint files on
     * the surviving TaskManager, and the forecasts equal an undisturbed run's. Shares the cluster,
     * on topics of its own.
     */
    @Test
    void exactlyOnceOutputSurvivesAKilledTaskManagerOnRocksDb() throws Exception {
        KafkaTestClients.createTopics(cluster.servers(), 2, "rocks-readings", "rocks-forecasts");
        KafkaTestClients.createTopics(cluster.servers(), 1, "rocks-dlq", "rocks-alerts");
        String job = cluster.submit(concat(JOB, "--job.parallelism", "2", "--state.backend", "rocksdb",
                "--kafka.topic.readings", "rocks-readings", "--kafka.topic.forecasts", "rocks-forecasts",
                "--kafka.topic.dead-letters", "rocks-dlq", "--kafka.topic.alerts", "rocks-alerts",
                "--kafka.group-id", "rocks", "--kafka.transactional-id-prefix", "rocks", "--job.name", "online-lstm rocks",
                // A store of its own: the other test's trained versions must not become this job's start model.
                "--model.store", state.resolve("rocks-models").toUri().toString()));
        Thread producer = new Thread(() -> ReferenceRun.produce(cluster.servers(), "rocks-readings", KEYS, 0, PER_KEY, 50));
        producer.start();
        KafkaTestClients.readCommitted(cluster.servers(), "rocks-forecasts", r -> r.size() >= 3_000, Duration.ofMinutes(2), Duration.ZERO);
        String victim = cluster.taskManagerOf(job, "lstm forecaster");
        long killedAt = System.currentTimeMillis();
        cluster.kill("taskmanager-" + victim.substring(3), "KILL");
        producer.join();

        ReferenceRun.assertExactlyOnceAndEqual(KafkaTestClients.readCommitted(cluster.servers(), "rocks-forecasts",
                r -> r.size() >= KEYS * PER_KEY, Duration.ofMinutes(4), Duration.ofSeconds(8)), KEYS, PER_KEY, HIDDEN);
        boolean onRocksDb = false;
        for (Path log : cluster.logFiles()) {
            onRocksDb |= java.nio.file.Files.readString(log).contains("EmbeddedRocksDBStateBackend");
        }
        assertTrue(onRocksDb, "the job never ran on RocksDB");
        var latest = cluster.rest("/jobs/" + job + "/checkpoints").path("latest").path("completed");
        System.out.println("ROCKSDB latest checkpoint " + latest.path("checkpointed_size").asLong() + " bytes uploaded of "
                + latest.path("state_size").asLong() + " (incremental), " + latest.path("end_to_end_duration").asLong() + " ms");
        assertTrue(cluster.log("jobmanager").contains("(" + job + ") switched from state RUNNING to RESTARTING"),
                "the job never restarted");
        printRecovery(cluster.log("jobmanager"), killedAt, "the TaskManager was killed (RocksDB)");
        cluster.cancel(job);
    }

    /**
     * Prints when the job first ran again after the fault and, when it had to restart more than
     * once (the broker still away), when it last did: figures for docs/benchmarks.md, not asserted.
     */
    static void printRecovery(String jobManagerLog, long faultAt, String fault) {
        Matcher running = Pattern.compile("(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) .*from state RESTARTING to RUNNING")
                .matcher(jobManagerLog);
        List<Long> backAt = new ArrayList<>();
        while (running.find()) {
            long back = java.time.LocalDateTime.parse(running.group(1),
                            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS"))
                    .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
            if (back >= faultAt) {
                backAt.add(back - faultAt);
            }
        }
        if (backAt.isEmpty()) {
            System.out.println("RECOVERY the job did not restart after " + fault);
        } else {
            System.out.println("RECOVERY job running again " + backAt.get(0) + " ms after " + fault + "; "
                    + backAt.size() + " restart(s), the last running at " + backAt.get(backAt.size() - 1) + " ms");
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
