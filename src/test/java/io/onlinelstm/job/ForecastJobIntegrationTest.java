package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.io.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a real Kafka broker and a Flink MiniCluster at parallelism 2 with exactly-once
 * checkpoints: every valid reading gets exactly one committed forecast, in per-series order, and
 * every bad one lands in the dead-letter topic with its reason.
 */
class ForecastJobIntegrationTest extends KafkaFlinkTestBase {

    @Test
    void exactlyOneForecastPerValidReadingAndEveryBadOneInTheDeadLetterTopic(@TempDir Path store) throws Exception {
        kafka.createTopics(2, "readings", "forecasts", "readings-dlq", "alerts");
        int keys = 500;
        int perKey = 20;
        Map<String, List<Long>> validTs = new TreeMap<>();
        Map<String, Integer> expectedReasons = new HashMap<>();
        long t0 = 1_732_680_000_000L;
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(kafka.bootstrapServers())) {
            int invalid = 0;
            for (int t = 0; t < perKey; t++) {
                for (int k = 0; k < keys; k++) {
                    String key = "sensor-" + k;
                    long ts = t0 + t * 60_000L;
                    double value = 20 + 5 * Math.sin((t + k) / 3.0);
                    // Alternate the two ts formats.
                    String tsJson = (k % 2 == 0) ? String.valueOf(ts) : "\"" + java.time.Instant.ofEpochMilli(ts) + "\"";
                    KafkaTestClients.send(producer, "readings", key,
                            "{\"key\":\"" + key + "\",\"ts\":" + tsJson + ",\"value\":" + value + "}");
                    validTs.computeIfAbsent(key, x -> new ArrayList<>()).add(ts);
                    // Every 100th valid reading is followed by one bad record, cycling through every kind.
                    if ((t * keys + k) % 100 == 99 && invalid < 100) {
                        BadRecord bad = BadRecord.of(invalid++, key, ts);
                        KafkaTestClients.send(producer, "readings", bad.partitionKey(), bad.json());
                        expectedReasons.merge(bad.reason(), 1, Integer::sum);
                    }
                }
            }
            KafkaTestClients.flush(producer);
            assertEquals(100, invalid);
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config = JobConfig.defaults().with(Map.of(
                "kafka.bootstrap-servers", kafka.bootstrapServers(),
                "kafka.starting-offsets", "earliest",
                "job.parallelism", "2",
                "checkpoint.interval", "1 s",
                "forecaster.bundle-size", "64",
                "input.max-record-bytes", "2048",
                "model.hidden-size", "16",
                "training.mode", "off",
                // A store of its own: the default folder may hold another run's versions.
                "model.store", store.toUri().toString()));
        JobClient job = ForecastJob.start(env, config);
        try {
            int expected = keys * perKey;
            List<ConsumerRecord<byte[], byte[]>> forecasts = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                    "forecasts", r -> r.size() >= expected, Duration.ofMinutes(3), Duration.ofSeconds(4));
            List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                    "readings-dlq", r -> r.size() >= 100, Duration.ofMinutes(1), Duration.ofSeconds(2));

            assertEquals(expected, forecasts.size(), "committed forecasts");
            Map<String, List<Long>> seen = new TreeMap<>();
            Set<String> unique = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : forecasts) {
                JsonNode f = JsonCodec.mapper().readTree(record.value());
                String key = f.get("key").asText();
                assertEquals(key, new String(record.key(), StandardCharsets.UTF_8), "Kafka key is the series key");
                assertTrue(unique.add(key + "@" + f.get("ts").asLong()), "duplicate forecast " + key);
                assertEquals(1, f.get("forecast").size());
                assertTrue(f.get("forecast").get(0).isNumber());
                assertEquals(0, f.get("modelVersion").asLong());
                assertTrue(f.has("error") && f.has("persistenceError") && f.get("latencyMs").asLong() >= 0);
                seen.computeIfAbsent(key, x -> new ArrayList<>()).add(f.get("ts").asLong());
            }
            assertEquals(validTs, seen, "one forecast per valid reading, in per-series order");

            assertEquals(100, deadLetters.size(), "dead letters");
            Map<String, Integer> reasons = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : deadLetters) {
                JsonNode d = JsonCodec.mapper().readTree(record.value());
                reasons.merge(d.get("reason").asText(), 1, Integer::sum);
                assertEquals("readings", d.get("topic").asText());
                assertTrue(d.get("offset").asLong() >= 0);
                assertTrue(!d.get("payload").asText().isEmpty() && !d.get("detail").asText().isEmpty());
            }
            assertEquals(expectedReasons, reasons);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * At least once, forecasts need no checkpoint to become visible: with checkpoints a month
     * apart none completes during the test, so an exactly-once sink would show a read_committed
     * consumer nothing.
     */
    @Test
    void atLeastOnceForecastsAreVisibleBeforeAnyCheckpoint(@TempDir Path store) throws Exception {
        // The broker is the class's: topics of this test's own.
        kafka.createTopics(2, "alo-readings", "alo-forecasts", "alo-dlq", "alo-alerts");
        int keys = 20;
        int perKey = 10;
        long t0 = 1_732_680_000_000L;
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(kafka.bootstrapServers())) {
            for (int t = 0; t < perKey; t++) {
                for (int k = 0; k < keys; k++) {
                    KafkaTestClients.send(producer, "alo-readings", "s-" + k,
                            "{\"key\":\"s-" + k + "\",\"ts\":" + (t0 + t * 60_000L) + ",\"value\":" + (t + k) + "}");
                }
            }
            KafkaTestClients.flush(producer);
        }
        JobConfig config = JobConfig.defaults().with(Map.ofEntries(
                Map.entry("kafka.bootstrap-servers", kafka.bootstrapServers()),
                Map.entry("kafka.starting-offsets", "earliest"),
                Map.entry("kafka.delivery-guarantee", "at-least-once"),
                Map.entry("kafka.topic.readings", "alo-readings"),
                Map.entry("kafka.topic.forecasts", "alo-forecasts"),
                Map.entry("kafka.topic.dead-letters", "alo-dlq"),
                Map.entry("kafka.topic.alerts", "alo-alerts"),
                Map.entry("kafka.group-id", "alo"),
                Map.entry("kafka.transactional-id-prefix", "alo"),
                Map.entry("job.parallelism", "2"),
                Map.entry("checkpoint.interval", "30 d"),
                Map.entry("forecaster.bundle-size", "16"),
                Map.entry("model.hidden-size", "16"),
                Map.entry("training.mode", "off"),
                Map.entry("model.store", store.toUri().toString())));
        JobClient job = ForecastJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
        try {
            int expected = keys * perKey;
            List<ConsumerRecord<byte[], byte[]>> forecasts = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                    "alo-forecasts", r -> r.size() >= expected, Duration.ofMinutes(3), Duration.ofSeconds(2));
            Set<String> unique = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : forecasts) {
                JsonNode f = JsonCodec.mapper().readTree(record.value());
                unique.add(f.get("key").asText() + "@" + f.get("ts").asLong());
            }
            // No failover happened, so at-least-once wrote each forecast once.
            assertEquals(expected, forecasts.size(), "forecasts visible without a checkpoint");
            assertEquals(expected, unique.size());
        } finally {
            job.cancel().get();
        }
    }

    /** One bad record of each kind in turn. */
    record BadRecord(String partitionKey, String json, String reason) {
        static BadRecord of(int i, String key, long lastTs) {
            return switch (i % 9) {
                case 0 -> new BadRecord(key, "{not json", "malformed_json");
                case 1 -> new BadRecord(key, "{\"ts\":" + lastTs + ",\"value\":1}", "missing_key");
                case 2 -> new BadRecord(key, "{\"key\":\"" + key + "\",\"value\":1}", "missing_ts");
                case 3 -> new BadRecord(key, "{\"key\":\"" + key + "\",\"ts\":\"soon\",\"value\":1}", "invalid_ts");
                case 4 -> new BadRecord(key, "{\"key\":\"" + key + "\",\"ts\":" + lastTs + ",\"value\":\"NaN\"}", "invalid_value");
                case 5 -> new BadRecord(key, "{\"key\":\"" + key + "\",\"ts\":" + lastTs + ",\"value\":1,\"features\":[1,2]}",
                        "wrong_feature_count");
                case 6 -> new BadRecord(key, "{\"key\":\"" + key + "\",\"ts\":" + lastTs + ",\"value\":1,\"pad\":\""
                        + "x".repeat(3000) + "\"}", "too_large");
                case 7 -> new BadRecord(key, "{\"key\":\"" + key + "\",\"ts\":" + lastTs + ",\"value\":1}", "duplicate_ts");
                default -> new BadRecord(key, "{\"key\":\"" + key + "\",\"ts\":" + (lastTs - 1) + ",\"value\":1}", "out_of_order");
            };
        }
    }
}
