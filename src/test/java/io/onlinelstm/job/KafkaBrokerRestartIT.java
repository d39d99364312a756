package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker of the local cluster dies (SIGKILL) in the middle of the stream and comes back
 * ten seconds later on the same data directory, while the trainer publishes. The job's
 * transactional writes fail, it restarts from the last checkpoint (again if the broker is still
 * away) and aborts what it left open, and a read_committed consumer sees exactly one forecast per
 * reading, with the checks of {@link TrainingFaultChecks}.
 */
class KafkaBrokerRestartIT {

    @Test
    void exactlyOnceOutputSurvivesABrokerRestart(@TempDir Path state) throws Exception {
        int keys = TaskManagerFailureIT.KEYS;
        int perKey = TaskManagerFailureIT.PER_KEY;
        try (LocalCluster cluster = new LocalCluster(state, 19093)) {
            cluster.start();
            // Short client timeouts make the ten-second outage fail the sinks' writes, so the job
            // really fails over; with Kafka's defaults (two minutes) the clients would ride it out.
            Path store = state.resolve("models");
            cluster.submit(TrainingFaultChecks.job(store, "--job.parallelism", "2",
                    "--kafka.properties", "delivery.timeout.ms:5000,request.timeout.ms:4000,max.block.ms:5000"));
            // The test's producer is idempotent and retries for two minutes, so the outage loses no input.
            Thread producer = new Thread(() -> ReferenceRun.produce(cluster.servers(), keys, 0, perKey, 50));
            producer.start();
            KafkaTestClients.readCommitted(cluster.servers(), "forecasts", r -> r.size() >= 1_000, Duration.ofMinutes(2), Duration.ZERO);
            TrainingFaultChecks.awaitFirstPublished(cluster.servers());
            long killedAt = System.currentTimeMillis();
            cluster.awaitExit(cluster.kill("kafka", "KILL"), Duration.ofSeconds(30));
            Thread.sleep(10_000);
            cluster.start();
            producer.join();

            TrainingFaultChecks.assertAll(cluster.servers(), store, keys, perKey);
            String jobManagerLog = cluster.log("jobmanager");
            assertTrue(jobManagerLog.contains("to RESTARTING"), "the job never failed over");
            TaskManagerFailureIT.printRecovery(jobManagerLog, killedAt, "the broker was killed");
        }
    }
}
