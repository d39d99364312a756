package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.io.JsonCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts through a real broker: one per injected spike, exactly once, keyed by series. */
class AlertsIntegrationTest extends KafkaFlinkTestBase {

    @Test
    void oneAlertPerSpikeIsCommittedExactlyOnce(@TempDir Path store) throws Exception {
        kafka.createTopics(2, "readings", "forecasts", "readings-dlq", "alerts");
        int keys = 20;
        int perKey = 400;
        Random random = new Random(3);
        Set<String> spikes = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(kafka.bootstrapServers())) {
            for (int t = 0; t < perKey; t++) {
                for (int k = 0; k < keys; k++) {
                    double v = 20 + 2 * Math.sin(2 * Math.PI * (t + k) / 60.0) + 0.2 * random.nextGaussian();
                    // Every series spikes once, at its own time after the warm-up.
                    if (t == 250 + 5 * k) {
                        v += 15;
                        spikes.add("s" + k + "@" + t);
                    }
                    KafkaTestClients.send(producer, "readings", "s" + k,
                            "{\"key\":\"s" + k + "\",\"ts\":" + (t * 60_000L) + ",\"value\":" + v + "}");
                }
            }
        }
        JobConfig config = JobConfig.defaults().with(Map.of(
                "kafka.bootstrap-servers", kafka.bootstrapServers(),
                "kafka.starting-offsets", "earliest",
                "job.parallelism", "2",
                "checkpoint.interval", "1 s",
                "model.hidden-size", "8",
                "model.store", store.toUri().toString(),
                "training.mode", "off",
                "anomaly.warmup", "100",
                "anomaly.quiet-period", "2 h"));
        JobClient job = ForecastJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
        try {
            KafkaTestClients.readCommitted(kafka.bootstrapServers(), "forecasts", r -> r.size() >= keys * perKey,
                    Duration.ofMinutes(3), Duration.ofSeconds(3));
            List<ConsumerRecord<byte[], byte[]>> alerts = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                    "alerts", r -> r.stream().filter(x -> new String(x.value()).contains("\"type\":\"alert\"")).count() >= keys,
                    Duration.ofSeconds(30), Duration.ofSeconds(3));
            Set<String> seen = new HashSet<>();
            java.util.Map<String, Long> raisedAt = new java.util.HashMap<>();
            Set<String> cleared = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : alerts) {
                JsonNode a = JsonCodec.mapper().readTree(r.value());
                String key = a.get("key").asText();
                long minute = a.get("ts").asLong() / 60_000L;
                assertEquals(key, new String(r.key()));
                if ("alert-cleared".equals(a.get("type").asText())) {
                    // Cleared once the series has been under the threshold for the quiet period (2 h).
                    assertTrue(cleared.add(key), "duplicate alert-cleared for " + key);
                    assertTrue(raisedAt.containsKey(key), "cleared before raised: " + key);
                    assertTrue(minute - raisedAt.get(key) >= 120, "cleared within the quiet period: " + key);
                    continue;
                }
                assertEquals("alert", a.get("type").asText());
                String id = key + "@" + minute;
                assertTrue(seen.add(id), "duplicate alert " + id);
                raisedAt.put(key, minute);
                assertTrue(a.get("score").asDouble() >= a.get("threshold").asDouble());
                assertTrue(a.has("forecast") && a.has("value") && a.has("modelVersion"));
                assertTrue(a.hasNonNull("part"), "the alert says which part fired: " + a);
                assertTrue(a.get("lower").asDouble() < a.get("forecast").asDouble()
                        && a.get("forecast").asDouble() < a.get("upper").asDouble(), "and the expected band: " + a);
            }
            assertEquals(spikes, seen, "exactly the injected spikes, once each");
            // Series whose spike came well over 2 h before the last reading (399) clear: s0 (250) to s3 (265).
            for (int k = 0; k <= 3; k++) {
                assertTrue(cleared.contains("s" + k), "s" + k + "'s alert clears: " + cleared);
            }
        } finally {
            job.cancel().get();
        }
    }
}
