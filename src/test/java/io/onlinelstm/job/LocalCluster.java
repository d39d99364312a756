package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.cluster.FlinkRestClient;
import io.onlinelstm.cluster.LocalClusterScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * The real cluster of processes that deploy/local/cluster.sh runs (Kafka broker, JobManager, two
 * TaskManagers), driven from tests: the script and REST calls of {@link LocalClusterScript} and
 * {@link FlinkRestClient}, plus waiting and killing.
 */
final class LocalCluster implements AutoCloseable {

    private final LocalClusterScript script;
    private final FlinkRestClient rest = new FlinkRestClient("http://127.0.0.1:8081");

    LocalCluster(Path state, int kafkaPort) {
        // Maven built the jar before the integration tests; a rebuild would swap jars under them.
        script = new LocalClusterScript(Path.of("").toAbsolutePath(), state, kafkaPort, false);
    }

    String servers() {
        return script.servers();
    }

    void start() throws IOException, InterruptedException {
        script.start();
    }

    String submit(String... options) throws IOException, InterruptedException {
        return script.submit(List.of(options));
    }

    String submitFromSavepoint(String savepoint, String... options) throws IOException, InterruptedException {
        return script.submitFromSavepoint(savepoint, List.of(options));
    }

    String stopWithSavepoint(String jobId) throws IOException, InterruptedException {
        return script.stopWithSavepoint(jobId);
    }

    /** Stops the processes and keeps their logs in target/cluster-logs/ for a look after a failure. */
    @Override
    public void close() throws IOException, InterruptedException {
        script.stop();
        Path kept = Path.of("target", "cluster-logs", script.state().getFileName().toString());
        Files.createDirectories(kept);
        for (Path log : logFiles()) {
            Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    long pid(String process) throws IOException {
        return script.pid(process);
    }

    /** Sends {@code signal} (TERM, KILL) to kafka, jobmanager or taskmanager-N; returns its pid. */
    long kill(String process, String signal) throws IOException, InterruptedException {
        long pid = script.pid(process);
        Process p = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "could not signal " + process);
        return pid;
    }

    void awaitExit(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertTrue(System.nanoTime() < deadline, "process " + pid + " did not exit");
            Thread.sleep(100);
        }
    }

    String log(String process) throws IOException {
        return script.log(process);
    }

    List<Path> logFiles() throws IOException {
        try (var files = Files.list(script.state().resolve("logs"))) {
            return files.toList();
        }
    }

    JsonNode rest(String path) throws IOException, InterruptedException {
        return rest.get(path);
    }

    String restText(String path) throws IOException, InterruptedException {
        return rest.getText(path);
    }

    String jobStatus(String jobId) throws IOException, InterruptedException {
        return rest.jobStatus(jobId);
    }

    void awaitJobStatus(String jobId, String status, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!jobStatus(jobId).equals(status)) {
            assertTrue(System.nanoTime() < deadline, "job " + jobId + " not " + status + " but " + jobStatus(jobId));
            Thread.sleep(200);
        }
    }

    JsonNode vertex(String jobId, String name) throws IOException, InterruptedException {
        return rest.vertex(jobId, name);
    }

    /** The resource id (tm-1, tm-2) of the TaskManager running the first subtask of that vertex. */
    String taskManagerOf(String jobId, String vertexName) throws IOException, InterruptedException {
        return vertex(jobId, vertexName).get("subtasks").get(0).get("taskmanager-id").asText();
    }

    /** Waits until the REST API reports the metric on every subtask of the vertex; returns the sum. */
    double metricSum(String jobId, String vertexName, String suffix) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        OptionalDouble sum = rest.metricSum(jobId, vertexName, suffix);
        while (sum.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no metric *" + suffix + " on every subtask of " + vertexName);
            Thread.sleep(1_000);
            sum = rest.metricSum(jobId, vertexName, suffix);
        }
        return sum.getAsDouble();
    }

    long restarts(String jobId) throws IOException, InterruptedException {
        return rest.restarts(jobId);
    }

    void cancel(String jobId) throws IOException, InterruptedException {
        if (List.of("FINISHED", "CANCELED", "FAILED").contains(jobStatus(jobId))) {
            return;
        }
        rest.cancel(jobId);
        awaitJobStatus(jobId, "CANCELED", Duration.ofMinutes(1));
    }
}
