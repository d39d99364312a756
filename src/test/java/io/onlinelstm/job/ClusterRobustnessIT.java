package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.model.WeightsCodec;
import io.onlinelstm.io.ModelUpdate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a running job on the local cluster must shrug off without a restart: a burst of every kind
 * of bad input, corrupt and foreign model updates; that the same jar runs twice side by side (one
 * native library per TaskManager JVM); that secrets given to the Kafka clients appear in no log and
 * no configuration the REST API shows; and that every process listens on loopback only.
 * One cluster for all of them; each test uses its own topics and cancels its jobs.
 */
class ClusterRobustnessIT {

    private static final int HIDDEN = 16;
    private static final String FILE_SECRET = "file-secret-7Qx2v9";
    private static final String ARGUMENT_SECRET = "argument-secret-K4p8z1";

    @TempDir
    static Path state;
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster(state, 19095);
        cluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Job options for a job on its own topics (prefix-readings, prefix-forecasts, ...). */
    private static List<String> jobOn(String prefix, String... more) {
        List<String> options = new ArrayList<>(List.of("--job.parallelism", "2", "--checkpoint.interval", "2 s",
                "--model.hidden-size", String.valueOf(HIDDEN), "--forecaster.bundle-size", "32",
                "--kafka.starting-offsets", "earliest", "--forecaster.target", "level",
                "--kafka.topic.readings", prefix + "-readings", "--kafka.topic.forecasts", prefix + "-forecasts",
                "--kafka.topic.dead-letters", prefix + "-dlq", "--kafka.topic.alerts", prefix + "-alerts",
                "--kafka.topic.model-updates", prefix + "-updates", "--kafka.group-id", prefix,
                "--kafka.transactional-id-prefix", prefix, "--job.name", "online-lstm " + prefix));
        options.addAll(List.of(more));
        return options;
    }

    private static void createTopics(String prefix) throws Exception {
        KafkaTestClients.createTopics(cluster.servers(), 2, prefix + "-readings", prefix + "-forecasts");
        KafkaTestClients.createTopics(cluster.servers(), 1, prefix + "-dlq", prefix + "-alerts", prefix + "-updates");
    }

    private static String reading(String key, long ts, double value) {
        return "{\"key\":\"" + key + "\",\"ts\":" + ts + ",\"value\":" + value + "}";
    }

    @Test
    void aBurstOfBadInputGoesToTheDeadLetterTopicWithReasonsAndEveryGoodReadingIsForecast() throws Exception {
        createTopics("bad");
        Path kafkaProperties = state.resolve("kafka-client.properties");
        // Unused by a PLAINTEXT connection, but handed to every Kafka client like real credentials.
        Files.writeString(kafkaProperties, "ssl.truststore.password=" + FILE_SECRET + "\n");
        String job = cluster.submit(jobOn("bad", "--training.mode", "off", "--input.max-record-bytes", "4096",
                "--kafka.properties-file", kafkaProperties.toString(),
                // A key Kafka does not know either: Kafka masks its own password settings, this one only we can keep quiet.
                "--kafka.properties", "ssl.key.password:" + ARGUMENT_SECRET + ",x.audit.token:" + ARGUMENT_SECRET)
                .toArray(String[]::new));
        try {
            int keys = 20;
            int ticks = 50;
            Map<String, Integer> expectedReasons = new TreeMap<>();
            int bad = 0;
            try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(cluster.servers())) {
                for (int t = 0; t < ticks; t++) {
                    for (int k = 0; k < keys; k++) {
                        String key = "g" + k;
                        long ts = 1_000_000L + t * 1_000L;
                        String good = reading(key, ts, 10 + k + Math.sin(t / 4.0));
                        if ((t + k) % 3 == 0) {
                            // Unknown fields are not an error: producers may add context the job does not use.
                            good = good.substring(0, good.length() - 1) + ",\"unit\":\"kW\",\"tags\":{\"site\":\"north\"}}";
                        }
                        KafkaTestClients.send(producer, "bad-readings", key, good);
                        if ((t * keys + k) % 5 == 4) {
                            BadInput b = BadInput.of(bad++, key, ts);
                            KafkaTestClients.sendBytes(producer, "bad-readings", key, b.payload());
                            expectedReasons.merge(b.reason(), 1, Integer::sum);
                        }
                    }
                }
                // Valid, if odd, times: the forecasts' Kafka records carry the time of writing, so neither
                // retention (1970) nor the broker's limit on timestamps ahead of now (2100) touches them.
                KafkaTestClients.send(producer, "bad-readings", "edge-1970", reading("edge-1970", 0, 1.5));
                KafkaTestClients.send(producer, "bad-readings", "edge-2100", reading("edge-2100", 4_102_444_800_000L, 2.5));
            }
            int good = keys * ticks + 2;
            List<ConsumerRecord<byte[], byte[]>> forecasts = KafkaTestClients.readCommitted(cluster.servers(), "bad-forecasts",
                    r -> r.size() >= good, Duration.ofMinutes(3), Duration.ofSeconds(4));
            int badCount = bad;
            List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestClients.readCommitted(cluster.servers(), "bad-dlq",
                    r -> r.size() >= badCount, Duration.ofMinutes(1), Duration.ofSeconds(2));

            Set<String> forecastIds = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : forecasts) {
                JsonNode f = JsonCodec.mapper().readTree(r.value());
                assertTrue(forecastIds.add(f.get("key").asText() + "@" + f.get("ts").asLong()), "duplicate forecast");
                assertTrue(Double.isFinite(f.get("forecast").get(0).asDouble()), "a finite forecast: " + f);
            }
            assertEquals(good, forecastIds.size(), "every good reading, and only those, has its forecast");
            assertTrue(forecastIds.contains("edge-2100@4102444800000") && forecastIds.contains("edge-1970@0"), "odd times forecast");
            Map<String, Integer> reasons = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
                JsonNode d = JsonCodec.mapper().readTree(r.value());
                reasons.merge(d.get("reason").asText(), 1, Integer::sum);
                assertEquals("bad-readings", d.get("topic").asText());
                assertFalse(d.get("detail").asText().isBlank(), "a dead letter says what was wrong: " + d);
            }
            assertEquals(expectedReasons, reasons, "every bad record in the dead-letter topic with its reason");
            assertEquals(java.util.Arrays.stream(io.onlinelstm.io.DeadLetterReason.values()).map(r -> r.id()).sorted().toList(),
                    List.copyOf(expectedReasons.keySet()), "the burst holds every kind of bad input");
            // Counted too: the parser's counter of each reason it decides.
            awaitMetric(job, "parse readings", ".deadLetters.too_large", expectedReasons.get("too_large"));
            awaitMetric(job, "parse readings", ".deadLetters.malformed_json", expectedReasons.get("malformed_json"));
            assertEquals("RUNNING", cluster.jobStatus(job));
            assertEquals(0, cluster.restarts(job), "bad input must never restart the job");

            assertNoSecretIn(job);
        } finally {
            cluster.cancel(job);
        }
    }

    @Test
    void corruptAndForeignModelUpdatesAreRefusedWhileServingContinues() throws Exception {
        createTopics("mu");
        // Async training that never trains on its own: the only updates are the ones this test sends.
        String job = cluster.submit(jobOn("mu", "--training.mode", "async", "--training.min-windows", "1000000000",
                "--model.store", "file://" + state.resolve("mu-models")).toArray(String[]::new));
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = null;
        try {
            AtomicInteger ticks = new AtomicInteger();
            int keys = 20;
            producer = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(cluster.servers())) {
                    for (int t = 0; producing.get(); t++) {
                        for (int k = 0; k < keys; k++) {
                            KafkaTestClients.send(p, "mu-readings", "m" + k, reading("m" + k, 1_000_000L + t * 1_000L, 5 + Math.cos(t / 5.0)));
                        }
                        p.flush();
                        ticks.incrementAndGet();
                        Thread.sleep(50);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            producer.start();
            KafkaTestClients.readCommitted(cluster.servers(), "mu-forecasts", r -> r.size() >= 400, Duration.ofMinutes(2), Duration.ZERO);

            LstmConfig serving = LstmConfig.builder().hiddenSize(HIDDEN).build();
            ModelUpdate corrupt = update(5, LstmConfig.builder().hiddenSize(HIDDEN).seed(99).build());
            corrupt.weights[corrupt.weights.length / 2] ^= 0x55;
            ModelUpdate foreign = update(6, LstmConfig.builder().hiddenSize(8).seed(99).build());
            foreign.hiddenSize = 8;
            publish(corrupt, foreign);
            // Both forecaster subtasks receive every update (a broadcast input) and refuse both.
            awaitMetric(job, "lstm forecaster", ".modelUpdatesRefused", 4);
            publish(update(7, serving.toBuilder().seed(4242).build()));
            KafkaTestClients.readCommitted(cluster.servers(), "mu-forecasts",
                    r -> r.stream().anyMatch(f -> version(f) == 7), Duration.ofMinutes(2), Duration.ZERO);
            producing.set(false);
            producer.join();

            int total = keys * ticks.get();
            List<ConsumerRecord<byte[], byte[]>> forecasts = KafkaTestClients.readCommitted(cluster.servers(), "mu-forecasts",
                    r -> r.size() >= total, Duration.ofMinutes(2), Duration.ofSeconds(4));
            assertEquals(total, forecasts.size(), "serving went on: one forecast per reading");
            Map<String, Long> lastVersion = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : forecasts) {
                long v = version(r);
                assertTrue(v == 0 || v == 7, "only the start model and the valid update serve, got version " + v);
                String key = new String(r.key(), StandardCharsets.UTF_8);
                assertTrue(lastVersion.getOrDefault(key, 0L) <= v, "versions never go back for " + key);
                lastVersion.put(key, v);
            }
            assertTrue(lastVersion.containsValue(7L), "the valid update after the refused ones is served");
            assertEquals(0, cluster.restarts(job), "refusing an update must not restart the job");
            assertTrue(cluster.log("taskmanager-1").contains("Refusing model version 5")
                    || cluster.log("taskmanager-2").contains("Refusing model version 5"), "the refusal is logged");
        } finally {
            producing.set(false);
            if (producer != null) {
                producer.join();
            }
            cluster.cancel(job);
        }
    }

    @Test
    void theSameJarRunsTwiceSideBySide() throws Exception {
        createTopics("twin1");
        createTopics("twin2");
        // Two submissions of the jar to one cluster: with DJL in the TaskManagers' lib/ both load
        // the one native library of their JVM (a job jar bundling DJL fails here).
        String first = cluster.submit(jobOn("twin1", "--training.mode", "off").toArray(String[]::new));
        String second = null;
        int keys = 30;
        int ticks = 40;
        try {
            second = cluster.submit(jobOn("twin2", "--training.mode", "off").toArray(String[]::new));
            try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(cluster.servers())) {
                for (int t = 0; t < ticks; t++) {
                    for (int k = 0; k < keys; k++) {
                        String json = reading("t" + k, 1_000_000L + t * 1_000L, k + Math.sin(t / 3.0));
                        KafkaTestClients.send(producer, "twin1-readings", "t" + k, json);
                        KafkaTestClients.send(producer, "twin2-readings", "t" + k, json);
                    }
                }
            }
            Map<String, Double> one = forecastsById("twin1-forecasts", keys * ticks);
            Map<String, Double> two = forecastsById("twin2-forecasts", keys * ticks);
            assertEquals(keys * ticks, one.size());
            assertEquals(one.keySet(), two.keySet());
            // The same readings and model: the same forecasts, up to the last float bit or two that
            // bundles of other compositions move.
            for (Map.Entry<String, Double> e : one.entrySet()) {
                assertEquals(e.getValue(), two.get(e.getKey()), 1e-5 * Math.max(1, Math.abs(e.getValue())), e.getKey());
            }
            assertEquals("RUNNING", cluster.jobStatus(first));
            assertEquals("RUNNING", cluster.jobStatus(second));
            assertEquals(0, cluster.restarts(first) + cluster.restarts(second), "neither job failed");
        } finally {
            try {
                cluster.cancel(first);
            } finally {
                if (second != null) {
                    cluster.cancel(second);
                }
            }
        }
    }

    @Test
    void everyProcessListensOnLoopbackOnly() throws Exception {
        List<String> exposed = new ArrayList<>();
        for (String process : List.of("kafka", "jobmanager", "taskmanager-1", "taskmanager-2")) {
            long pid = Long.parseLong(Files.readString(state.resolve(process + ".pid")).trim());
            for (String address : ListeningSockets.of(pid)) {
                if (!ListeningSockets.isLoopback(address)) {
                    exposed.add(process + " " + address);
                }
            }
            assertFalse(ListeningSockets.of(pid).isEmpty(), process + " listens nowhere?");
        }
        assertTrue(exposed.isEmpty(), "listening beyond loopback: " + exposed);
    }

    private static Map<String, Double> forecastsById(String topic, int expected) throws Exception {
        Map<String, Double> byId = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTestClients.readCommitted(cluster.servers(), topic,
                x -> x.size() >= expected, Duration.ofMinutes(3), Duration.ofSeconds(3))) {
            JsonNode f = JsonCodec.mapper().readTree(r.value());
            assertTrue(byId.put(f.get("key").asText() + "@" + f.get("ts").asLong(), f.get("forecast").get(0).asDouble()) == null);
        }
        return byId;
    }

    private static ModelUpdate update(long version, LstmConfig config) {
        ModelUpdate u = new ModelUpdate();
        u.version = version;
        u.weights = WeightsCodec.encode(WeightInitializer.initialize(config));
        u.checksum = WeightsCodec.checksum(u.weights);
        u.features = config.features();
        u.hiddenSize = config.hiddenSize();
        u.layers = config.layers();
        u.horizon = config.horizon();
        u.publishedAt = System.currentTimeMillis();
        u.newestWindowAt = u.publishedAt;
        return u;
    }

    private static void publish(ModelUpdate... updates) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(cluster.servers())) {
            for (ModelUpdate u : updates) {
                KafkaTestClients.sendBytes(producer, "mu-updates", null, JsonCodec.mapper().writeValueAsBytes(u));
            }
        }
    }

    private static long version(ConsumerRecord<byte[], byte[]> forecast) {
        try {
            return JsonCodec.mapper().readTree(forecast.value()).get("modelVersion").asLong();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitMetric(String job, String vertex, String suffix, double expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        double value = cluster.metricSum(job, vertex, suffix);
        while (value != expected && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            value = cluster.metricSum(job, vertex, suffix);
        }
        assertEquals(expected, value, vertex + " *" + suffix);
    }

    /** Neither secret in any process's log, nor in any configuration the REST API shows. */
    private static void assertNoSecretIn(String job) throws Exception {
        // The secrets did reach the job (by name): the test is not vacuous.
        assertTrue(cluster.log("jobmanager").contains("Kafka clients get extra properties [ssl.key.password,"
                + " ssl.truststore.password, x.audit.token] (values hidden)"), "the job never read the Kafka client properties");
        List<String> places = new ArrayList<>();
        for (Path log : cluster.logFiles()) {
            places.add(log + "\n" + Files.readString(log));
        }
        for (String path : List.of("/jobmanager/config", "/jobs/" + job + "/config", "/jobs/" + job + "/jobmanager/config",
                "/jobs/" + job + "/plan", "/jobs/" + job, "/jars", "/taskmanagers")) {
            places.add(path + "\n" + cluster.restText(path));
        }
        for (JsonNode tm : cluster.rest("/taskmanagers").get("taskmanagers")) {
            places.add(cluster.restText("/taskmanagers/" + tm.get("id").asText()));
        }
        for (String place : places) {
            for (String secret : List.of(FILE_SECRET, ARGUMENT_SECRET)) {
                assertFalse(place.contains(secret), "a secret shows in " + place.lines().findFirst().orElse(""));
            }
        }
    }
}
