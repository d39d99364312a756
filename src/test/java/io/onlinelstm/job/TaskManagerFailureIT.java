package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    @Test
    void exactlyOnceOutputSurvivesAKilledTaskManager(@TempDir Path state) throws Exception {
        try (LocalCluster cluster = new LocalCluster(state, 19092)) {
            cluster.start();
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
        }
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
