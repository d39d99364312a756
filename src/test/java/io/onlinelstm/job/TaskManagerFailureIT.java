package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.io.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster of processes (deploy/local/cluster.sh): a TaskManager is killed with SIGKILL in
 * the middle of the stream. The job recovers from its last checkpoint on the surviving
 * TaskManager, and a read_committed consumer sees exactly one forecast per reading, none lost,
 * none duplicated, each equal to the forecast of a run without the failure.
 */
class TaskManagerFailureIT {

    private static final int KEYS = 100;
    private static final int PER_KEY = 150;
    private static final int KAFKA_PORT = 19092;

    @Test
    void exactlyOnceOutputSurvivesAKilledTaskManager(@TempDir Path state) throws Exception {
        Map<String, String> env = Map.of("ONLINE_LSTM_CLUSTER_DIR", state.toString(),
                "ONLINE_LSTM_KAFKA_PORT", String.valueOf(KAFKA_PORT));
        String servers = "127.0.0.1:" + KAFKA_PORT;
        try {
            run(env, "start");
            run(env, "submit", "--training.mode", "off", "--job.parallelism", "2", "--checkpoint.interval", "2 s",
                    "--model.hidden-size", "16", "--forecaster.bundle-size", "32", "--kafka.starting-offsets", "earliest",
                    "--forecaster.target", "level");
            Map<String, Double> expected = new HashMap<>();
            Thread producer = new Thread(() -> produce(servers));
            producer.start();
            // Kill a TaskManager once the first forecasts are committed, while readings still flow.
            KafkaTestClients.readCommitted(servers, "forecasts", r -> r.size() >= 1_000, Duration.ofMinutes(2), Duration.ZERO);
            // Kill the TaskManager that runs the forecaster (slots may all sit on one of the two).
            String victim = forecasterTaskManager();
            long pid = Long.parseLong(Files.readString(state.resolve("taskmanager-" + victim.substring(3) + ".pid")).trim());
            long killedAt = System.currentTimeMillis();
            new ProcessBuilder("kill", "-9", String.valueOf(pid)).start().waitFor(10, TimeUnit.SECONDS);
            producer.join();

            int total = KEYS * PER_KEY;
            List<ConsumerRecord<byte[], byte[]>> forecasts = KafkaTestClients.readCommitted(servers, "forecasts",
                    r -> r.size() >= total, Duration.ofMinutes(4), Duration.ofSeconds(8));
            Map<String, Double> seen = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : forecasts) {
                JsonNode f = JsonCodec.mapper().readTree(r.value());
                String id = f.get("key").asText() + "@" + f.get("ts").asLong();
                assertTrue(seen.put(id, f.get("forecast").get(0).asDouble()) == null, "duplicate forecast " + id);
            }
            assertEquals(total, seen.size(), "one committed forecast per reading, none lost");
            // The job really failed over: the JobManager restarted it after losing the TaskManager.
            String jobManagerLog = Files.readString(state.resolve("logs").resolve("jobmanager.out"));
            assertTrue(jobManagerLog.contains("to RESTARTING"), "the job never restarted");
            java.util.regex.Matcher running = java.util.regex.Pattern.compile(
                    "(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) .*from state RESTARTING to RUNNING").matcher(jobManagerLog);
            if (running.find()) {
                long back = java.time.LocalDateTime.parse(running.group(1),
                        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS"))
                        .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
                System.out.println("RECOVERY job running again " + (back - killedAt) + " ms after the TaskManager was killed");
            }
            // The same readings through a run without the failure, in this JVM.
            expected.putAll(ReferenceRun.forecasts(KEYS, PER_KEY, 16));
            // Relative 1e-5: float forecasts in the series' units (about 10 to 110 here); bundles of other
            // sizes sum in another order, which moves the last bit or two.
            for (Map.Entry<String, Double> e : expected.entrySet()) {
                assertEquals(e.getValue(), seen.get(e.getKey()), 1e-5 * Math.max(1, Math.abs(e.getValue())), e.getKey());
            }
        } finally {
            run(env, "stop");
        }
    }

    /** The resource id (tm-1 or tm-2) of the TaskManager running the forecaster's first subtask. */
    private static String forecasterTaskManager() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String jid = get(http, "/jobs/overview").get("jobs").get(0).get("jid").asText();
        for (JsonNode vertex : get(http, "/jobs/" + jid).get("vertices")) {
            if (vertex.get("name").asText().contains("lstm forecaster")) {
                JsonNode subtasks = get(http, "/jobs/" + jid + "/vertices/" + vertex.get("id").asText()).get("subtasks");
                return subtasks.get(0).get("taskmanager-id").asText();
            }
        }
        throw new AssertionError("no forecaster vertex in the running job");
    }

    private static JsonNode get(java.net.http.HttpClient http, String path) throws Exception {
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:8081" + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return JsonCodec.mapper().readTree(response.body());
    }

    private static void produce(String servers) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(servers)) {
            for (int t = 0; t < PER_KEY; t++) {
                for (int k = 0; k < KEYS; k++) {
                    KafkaTestClients.send(producer, "readings", "s" + k, ReferenceRun.json(k, t));
                }
                producer.flush();
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "deploy/local/cluster.sh"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "cluster.sh " + args[0] + " hung");
        assertEquals(0, p.exitValue(), "cluster.sh " + String.join(" ", args) + " failed:\n" + out);
    }
}
