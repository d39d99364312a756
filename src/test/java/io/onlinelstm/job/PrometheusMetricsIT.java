package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.demo.EmbeddedKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job runs with the deployments' Prometheus reporter, and every Flink metric that the
 * Grafana dashboard and the Prometheus rules in deploy/ query is served under that name: a
 * renamed metric fails here instead of leaving a blank panel or an alert that can never fire.
 */
class PrometheusMetricsIT {

    /** The reporter takes the first free port of this range, per JobManager and TaskManager. */
    private static final int FIRST_PORT = freePort();
    private static final int PORTS = 10;
    private static final Pattern METRIC = Pattern.compile("flink_[A-Za-z0-9_]+");

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(reporterConfiguration()).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static Configuration reporterConfiguration() {
        // The reporter as the Kubernetes manifest enables it, but on a port range free on this machine.
        String factory;
        try {
            factory = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readTree(Path.of("deploy/k8s/flinkdeployment-cpu.yaml").toFile())
                    .path("spec").path("flinkConfiguration").path("metrics.reporter.prom.factory.class").asText();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read deploy/k8s/flinkdeployment-cpu.yaml", e);
        }
        Configuration c = new Configuration();
        c.setString("metrics.reporter.prom.factory.class", factory);
        c.setString("metrics.reporter.prom.port", FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1));
        return c;
    }

    @Test
    void everyMetricTheDashboardAndTheRulesQueryIsServed(@org.junit.jupiter.api.io.TempDir Path store) throws Exception {
        Set<String> exact = new TreeSet<>();
        Set<String> prefixes = new TreeSet<>();
        for (Path file : List.of(Path.of("deploy/grafana/online-lstm-dashboard.json"), Path.of("deploy/prometheus/rules.yml"))) {
            String text = Files.readString(file);
            Matcher m = METRIC.matcher(text);
            while (m.find()) {
                // A name ending in '_' followed by '.+' or '(.+)' is a regular expression over a family (deadLetters_<reason>).
                boolean family = m.group().endsWith("_") && (text.startsWith(".+", m.end()) || text.startsWith("(.+)", m.end()));
                (family ? prefixes : exact).add(m.group());
            }
        }
        assertTrue(exact.size() >= 10, "the dashboard and rules name few Flink metrics: " + exact);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "readings", "forecasts", "readings-dlq", "alerts");
            try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(kafka.bootstrapServers())) {
                for (int t = 0; t < 30; t++) {
                    for (int k = 0; k < 20; k++) {
                        KafkaTestClients.send(producer, "readings", "s-" + k,
                                "{\"key\":\"s-" + k + "\",\"ts\":" + (1_732_680_000_000L + t * 60_000L) + ",\"value\":" + Math.sin(t + k) + "}");
                    }
                }
                KafkaTestClients.send(producer, "readings", "s-0", "{not json");
                KafkaTestClients.flush(producer);
            }
            JobConfig config = JobConfig.defaults().with(Map.of(
                    "kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "kafka.starting-offsets", "earliest",
                    "job.parallelism", "2",
                    "checkpoint.interval", "1 s",
                    "model.hidden-size", "16",
                    "training.mode", "off",
                    "model.store", store.toUri().toString()));
            JobClient job = ForecastJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
            try {
                // Forecasts committed: sources, forecasters and checkpoints have all run.
                KafkaTestClients.readCommitted(kafka.bootstrapServers(), "forecasts", r -> r.size() >= 600,
                        Duration.ofMinutes(3), Duration.ZERO);
                Set<String> served = new TreeSet<>();
                Set<String> missing = Set.of();
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (System.nanoTime() < deadline) {
                    served = scrape();
                    missing = missing(exact, prefixes, served);
                    if (missing.isEmpty()) {
                        break;
                    }
                    Thread.sleep(500);
                }
                Set<String> finalServed = served;
                Set<String> finalMissing = missing;
                assertTrue(finalMissing.isEmpty(), () -> "not served by the Prometheus reporter: " + finalMissing + "\nserved: "
                        + finalServed.stream().filter(n -> !n.contains("KafkaProducer_") && !n.contains("KafkaConsumer_")).toList());
            } finally {
                job.cancel().get();
            }
        }
    }

    private static Set<String> missing(Set<String> exact, Set<String> prefixes, Set<String> served) {
        Set<String> missing = new TreeSet<>();
        for (String name : exact) {
            if (!served.contains(name)) {
                missing.add(name);
            }
        }
        for (String prefix : prefixes) {
            if (served.stream().noneMatch(n -> n.startsWith(prefix) && n.length() > prefix.length())) {
                missing.add(prefix + ".+");
            }
        }
        return missing;
    }

    /** Metric names served on every port of the range that answers (the JobManager's and the TaskManager's). */
    private static Set<String> scrape() throws InterruptedException {
        Set<String> names = new TreeSet<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int port = FIRST_PORT; port < FIRST_PORT + PORTS; port++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                for (String line : r.body().split("\n")) {
                    if (!line.isEmpty() && !line.startsWith("#")) {
                        int end = line.indexOf('{');
                        names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
                    }
                }
            } catch (IOException e) {
                // Nothing listens on this port of the range.
            }
        }
        return names;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port on this machine", e);
        }
    }
}
