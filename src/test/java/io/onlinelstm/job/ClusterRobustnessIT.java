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
                "--kafka.topic.model-updates", prefix + "-updates", "--kafka.topic.model-updates-dlq", prefix + "-updates-dlq",
                "--kafka.group-id", prefix,
                "--kafka.transactional-id-prefix", prefix, "--job.name", "online-lstm " + prefix));
        options.addAll(List.of(more));
        return options;
    }

    private static void createTopics(String prefix) throws Exception {
        KafkaTestClients.createTopics(cluster.servers(), 2, prefix + "-readings", prefix + "-forecasts");
        KafkaTestClients.createTopics(cluster.servers(), 1, prefix + "-dlq", prefix + "-alerts", prefix + "-updates",
                prefix + "-updates-dlq");
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
            // Every reason a reading can be refused for (the model-update reasons belong to the other test).
            assertEquals(java.util.Arrays.stream(io.onlinelstm.io.DeadLetterReason.values()).map(r -> r.id())
                            .filter(r -> !r.contains("model")).sorted().toList(),
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

    /**
     * The reproduction of the issue: one malformed record written to model-updates (as Kafka's own
     * console producer would), an update of a newer trainer with a field this one does not know, a
     * corrupt and a foreign update, while readings flow. No restart; each bad one counted once (by
     * the update check, before the broadcast) and in the model-update dead letters with its reason;
     * the valid updates are served.
     */
    @Test
    void malformedCorruptAndForeignModelUpdatesAreDeadLetteredWhileServingContinues() throws Exception {
        createTopics("mu");
        // Async training that never trains on its own: the only updates are the ones this test sends.
        String job = cluster.submit(jobOn("mu", "--training.mode", "async", "--training.min-windows", "1000000000",
                "--model.store", "file://" + state.resolve("mu-models")).toArray(String[]::new));
        try (Readings readings = new Readings("mu", 20)) {
            KafkaTestClients.readCommitted(cluster.servers(), "mu-forecasts", r -> r.size() >= 400, Duration.ofMinutes(2), Duration.ZERO);

            LstmConfig serving = LstmConfig.builder().hiddenSize(HIDDEN).build();
            ModelUpdate corrupt = update(5, LstmConfig.builder().hiddenSize(HIDDEN).seed(99).build());
            corrupt.weights[corrupt.weights.length / 2] ^= 0x55;
            ModelUpdate foreign = update(6, LstmConfig.builder().hiddenSize(8).seed(99).build());
            foreign.hiddenSize = 8;
            publishRaw("mu-updates", "{\"version\": 999, \"garbage".getBytes(StandardCharsets.UTF_8));
            publish("mu-updates", corrupt, foreign);
            awaitMetric(job, "check model updates", ".modelUpdatesMalformed", 1);
            awaitMetric(job, "check model updates", ".modelUpdatesRefused", 2);
            // A newer trainer's update: one field more than this release knows.
            com.fasterxml.jackson.databind.node.ObjectNode newer =
                    JsonCodec.mapper().valueToTree(update(7, serving.toBuilder().seed(4242).build()));
            newer.put("trainerRelease", "9.9.9");
            publishRaw("mu-updates", JsonCodec.mapper().writeValueAsBytes(newer));
            KafkaTestClients.readCommitted(cluster.servers(), "mu-forecasts",
                    r -> r.stream().anyMatch(f -> version(f) == 7), Duration.ofMinutes(2), Duration.ZERO);
            readings.stopAndAssertEveryOneForecast(v -> v == 0 || v == 7);

            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : KafkaTestClients.readCommitted(cluster.servers(), "mu-updates-dlq",
                    x -> x.size() >= 3, Duration.ofMinutes(1), Duration.ofSeconds(4))) {
                JsonNode d = JsonCodec.mapper().readTree(r.value());
                assertEquals("mu-updates", d.get("topic").asText());
                reasons.add(d.get("reason").asText());
            }
            assertEquals(List.of("malformed_model_update", "corrupt_model", "incompatible_model"), reasons);
            awaitMetric(job, "check model updates", ".modelUpdatesAccepted", 1);
            assertEquals(0, cluster.restarts(job), "bad updates must not restart the job");
            assertTrue(cluster.log("taskmanager-1").contains("Refusing model version 5")
                    || cluster.log("taskmanager-2").contains("Refusing model version 5"), "the refusal is logged");
        } finally {
            cluster.cancel(job);
        }
    }

    /** With a signing key: unsigned and forged updates are refused; one signed with the previous key is served. */
    @Test
    void withASigningKeyOnlyUpdatesSignedByTheJobsKeysAreServed() throws Exception {
        createTopics("sig");
        String keys = "new=" + signingKey(1) + "\n" + "old=" + signingKey(2) + "\n";
        Path keyFile = state.resolve("signing.keys");
        Files.writeString(keyFile, keys);
        String jobName = "online-lstm sig";
        String job = cluster.submit(jobOn("sig", "--training.mode", "async", "--training.min-windows", "1000000000",
                "--model.store", "file://" + state.resolve("sig-models"),
                "--model.signing-key-file", keyFile.toString()).toArray(String[]::new));
        try (Readings readings = new Readings("sig", 10)) {
            KafkaTestClients.readCommitted(cluster.servers(), "sig-forecasts", r -> r.size() >= 200, Duration.ofMinutes(2), Duration.ZERO);
            LstmConfig serving = LstmConfig.builder().hiddenSize(HIDDEN).build();
            ModelUpdate unsigned = update(3, serving.toBuilder().seed(31).build());
            ModelUpdate forged = update(4, serving.toBuilder().seed(41).build());
            // The attacker knows the key id, not the key.
            io.onlinelstm.io.ModelUpdateSigner.parse("new=" + signingKey(3) + "\n", "attacker").sign(forged, jobName);
            ModelUpdate rotated = update(5, serving.toBuilder().seed(51).build());
            io.onlinelstm.io.ModelUpdateSigner.parse(keys.lines().skip(1).findFirst().orElseThrow() + "\n", "previous key")
                    .sign(rotated, jobName);
            // Signed with the previous key: it still verifies while a rotation is under way.
            publish("sig-updates", unsigned, forged, rotated);
            KafkaTestClients.readCommitted(cluster.servers(), "sig-forecasts",
                    r -> r.stream().anyMatch(f -> version(f) == 5), Duration.ofMinutes(2), Duration.ZERO);
            readings.stopAndAssertEveryOneForecast(v -> v == 0 || v == 5);
            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : KafkaTestClients.readCommitted(cluster.servers(), "sig-updates-dlq",
                    x -> x.size() >= 2, Duration.ofMinutes(1), Duration.ofSeconds(4))) {
                reasons.add(JsonCodec.mapper().readTree(r.value()).get("reason").asText());
            }
            assertEquals(List.of("unsigned_model_update", "forged_model_update"), reasons);
            awaitMetric(job, "check model updates", ".modelUpdatesRefused", 2);
            assertEquals(0, cluster.restarts(job));
            for (String log : List.of("jobmanager", "taskmanager-1", "taskmanager-2")) {
                for (String key : keys.lines().map(l -> l.substring(l.indexOf('=') + 1)).toList()) {
                    assertFalse(cluster.log(log).contains(key), "a signing key shows in the " + log + " log");
                }
            }
        } finally {
            cluster.cancel(job);
        }
    }

    private static String signingKey(int seed) {
        byte[] key = new byte[32];
        new java.util.Random(seed).nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    /** Readings for {@code keys} series of a job on its own topics, every 50 ms, until stopped. */
    private static final class Readings implements AutoCloseable {
        private final String prefix;
        private final int keys;
        private final AtomicBoolean producing = new AtomicBoolean(true);
        private final AtomicInteger ticks = new AtomicInteger();
        private final Thread producer;

        Readings(String prefix, int keys) {
            this.prefix = prefix;
            this.keys = keys;
            producer = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(cluster.servers())) {
                    for (int t = 0; producing.get(); t++) {
                        for (int k = 0; k < keys; k++) {
                            KafkaTestClients.send(p, prefix + "-readings", "m" + k,
                                    reading("m" + k, 1_000_000L + t * 1_000L, 5 + Math.cos(t / 5.0)));
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
        }

        /** Stops, then checks one forecast per reading, versions allowed and never going back per series. */
        void stopAndAssertEveryOneForecast(java.util.function.LongPredicate allowedVersion) throws Exception {
            close();
            int total = keys * ticks.get();
            List<ConsumerRecord<byte[], byte[]>> forecasts = KafkaTestClients.readCommitted(cluster.servers(),
                    prefix + "-forecasts", r -> r.size() >= total, Duration.ofMinutes(2), Duration.ofSeconds(4));
            assertEquals(total, forecasts.size(), "serving went on: one forecast per reading");
            Map<String, Long> lastVersion = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : forecasts) {
                long v = version(r);
                assertTrue(allowedVersion.test(v), "a refused version served: " + v);
                String key = new String(r.key(), StandardCharsets.UTF_8);
                assertTrue(lastVersion.getOrDefault(key, 0L) <= v, "versions never go back for " + key);
                lastVersion.put(key, v);
            }
        }

        @Override
        public void close() throws InterruptedException {
            producing.set(false);
            producer.join();
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
        return io.onlinelstm.io.TestModelUpdates.of(version, config);
    }

    private static void publish(String topic, ModelUpdate... updates) throws Exception {
        for (ModelUpdate u : updates) {
            publishRaw(topic, JsonCodec.mapper().writeValueAsBytes(u));
        }
    }

    private static void publishRaw(String topic, byte[] record) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(cluster.servers())) {
            KafkaTestClients.sendBytes(producer, topic, null, record);
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
