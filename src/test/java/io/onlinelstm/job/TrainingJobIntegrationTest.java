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
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training while streaming, through a real broker at parallelism 2: the trainer publishes
 * versions through the model store and the model-updates topic, every forecasting subtask ends on
 * the newest one, and no series ever sees its version go backwards.
 */
class TrainingJobIntegrationTest extends KafkaFlinkTestBase {

    @Test
    void everyForecasterEndsOnTheNewestVersionAndVersionsNeverGoBackwards(@TempDir Path store) throws Exception {
        kafka.createTopics(2, "readings", "forecasts", "readings-dlq", "alerts");
        kafka.createTopics(1, "model-updates", "model-updates-dlq");
        int keys = 200;
        int perKey = 120;
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(kafka.bootstrapServers())) {
            for (int t = 0; t < perKey; t++) {
                for (int k = 0; k < keys; k++) {
                    double v = 10 + 3 * Math.sin(2 * Math.PI * (t + k) / 12.0);
                    KafkaTestClients.send(producer, "readings", "s" + k,
                            "{\"key\":\"s" + k + "\",\"ts\":" + (1_000_000L + t * 1000L) + ",\"value\":" + v + "}");
                }
            }
        }
        JobConfig config = JobConfig.defaults().with(Map.ofEntries(
                Map.entry("kafka.bootstrap-servers", kafka.bootstrapServers()),
                Map.entry("kafka.starting-offsets", "earliest"),
                Map.entry("job.parallelism", "2"),
                Map.entry("checkpoint.interval", "1 s"),
                Map.entry("model.hidden-size", "16"),
                Map.entry("model.store", store.toUri().toString()),
                Map.entry("forecaster.window", "8"),
                Map.entry("training.mode", "async"),
                Map.entry("training.stride", "2"),
                Map.entry("training.min-windows", "128"),
                Map.entry("training.every-windows", "256"),
                Map.entry("training.holdout-windows", "32"),
                Map.entry("training.steps", "5"),
                Map.entry("training.batch-size", "16"),
                Map.entry("training.learning-rate", "0.01"),
                Map.entry("training.tolerance", "0.5")));
        JobClient job = ForecastJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
        try {
            int expected = keys * perKey;
            List<ConsumerRecord<byte[], byte[]>> forecasts = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                    "forecasts", r -> r.size() >= expected, Duration.ofMinutes(3), Duration.ofSeconds(3));
            assertEquals(expected, forecasts.size());
            Map<String, Long> lastVersion = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : forecasts) {
                JsonNode f = JsonCodec.mapper().readTree(r.value());
                String key = f.get("key").asText();
                long version = f.get("modelVersion").asLong();
                Long previous = lastVersion.put(key, version);
                assertTrue(previous == null || version >= previous,
                        "version went backwards for " + key + ": " + previous + " -> " + version);
            }

            // The newest published version, once the trainer has gone quiet.
            long newest = awaitStableNewestVersion(Duration.ofMinutes(1));
            assertTrue(newest >= 2, "expected several published versions, newest is " + newest);

            // Probe series without history (so they make no new windows), spread over both subtasks:
            // once every probe is forecast with the newest version, every forecaster serves it.
            boolean allNewest = false;
            for (int round = 0; round < 20 && !allNewest; round++) {
                Set<Integer> subtasks = new HashSet<>();
                try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(kafka.bootstrapServers())) {
                    for (int p = 0; p < 40; p++) {
                        String key = "probe-" + round + "-" + p;
                        subtasks.add(KeyGroupRangeAssignment.assignKeyToParallelOperator(key, 128, 2));
                        KafkaTestClients.send(producer, "readings", key,
                                "{\"key\":\"" + key + "\",\"ts\":1,\"value\":1.0}");
                    }
                }
                assertEquals(Set.of(0, 1), subtasks, "probes must reach both forecasting subtasks");
                String prefix = "probe-" + round + "-";
                List<ConsumerRecord<byte[], byte[]>> probes = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                        "forecasts", r -> count(r, prefix) >= 40, Duration.ofSeconds(30), Duration.ZERO);
                allNewest = probes.stream().map(TrainingJobIntegrationTest::json)
                        .filter(f -> f.get("key").asText().startsWith(prefix))
                        .allMatch(f -> f.get("modelVersion").asLong() == newest);
                Thread.sleep(1_000);
            }
            assertTrue(allNewest, "the forecasters did not all reach version " + newest);
        } finally {
            job.cancel().get();
        }
    }

    private long awaitStableNewestVersion(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long newest = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<byte[], byte[]>> updates = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                    "model-updates", r -> true, Duration.ofSeconds(5), Duration.ofSeconds(1));
            long v = updates.stream().mapToLong(r -> json(r).get("version").asLong()).max().orElse(-1);
            if (v != newest) {
                newest = v;
                stableSince = System.nanoTime();
            } else if (newest > 0 && System.nanoTime() - stableSince > Duration.ofSeconds(5).toNanos()) {
                return newest;
            }
        }
        return newest;
    }

    private static long count(List<ConsumerRecord<byte[], byte[]>> records, String prefix) {
        return records.stream().filter(r -> new String(r.key()).startsWith(prefix)).count();
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return JsonCodec.mapper().readTree(r.value());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
