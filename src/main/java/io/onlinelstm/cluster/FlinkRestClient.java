package io.onlinelstm.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.io.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** The few calls of Flink's REST API that the soak benchmark and the cluster tests make. */
public final class FlinkRestClient {

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public FlinkRestClient(String base) {
        this.base = base;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return parse(path, getText(path));
    }

    /** The raw answer, whatever its status. */
    public String getText(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    public void patch(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IOException("PATCH " + base + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    public String jobStatus(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).get("state").asText();
    }

    /** The job vertex whose name contains {@code name}, with its subtasks. */
    public JsonNode vertex(String jobId, String name) throws IOException, InterruptedException {
        for (JsonNode vertex : get("/jobs/" + jobId).get("vertices")) {
            if (vertex.get("name").asText().contains(name)) {
                return get("/jobs/" + jobId + "/vertices/" + vertex.get("id").asText());
            }
        }
        throw new IOException("No vertex named like '" + name + "' in job " + jobId);
    }

    /**
     * Sum over a vertex's subtasks of the metric whose id ends with {@code suffix} (for example
     * {@code .modelUpdatesRefused}); empty until the REST API reports it for every subtask (it
     * fetches metrics from the TaskManagers every few seconds).
     */
    public OptionalDouble metricSum(String jobId, String vertexName, String suffix) throws IOException, InterruptedException {
        JsonNode vertex = vertex(jobId, vertexName);
        String path = "/jobs/" + jobId + "/vertices/" + vertex.get("id").asText() + "/metrics";
        List<String> ids = new ArrayList<>();
        for (JsonNode m : get(path)) {
            if (m.get("id").asText().endsWith(suffix)) {
                ids.add(m.get("id").asText());
            }
        }
        if (ids.size() < vertex.get("parallelism").asInt()) {
            return OptionalDouble.empty();
        }
        double sum = 0;
        for (JsonNode v : get(path + "?get=" + String.join(",", ids))) {
            sum += v.get("value").asDouble();
        }
        return OptionalDouble.of(sum);
    }

    /** The job's restarts so far (Flink's numRestarts job metric; 0 until reported). */
    public long restarts(String jobId) throws IOException, InterruptedException {
        JsonNode values = get("/jobs/" + jobId + "/metrics?get=numRestarts");
        return values.isEmpty() ? 0 : values.get(0).get("value").asLong();
    }

    /** Metrics of one TaskManager (by resource id) by name; absent names are left out. */
    public Map<String, Double> taskManagerMetrics(String taskManagerId, String... names) throws IOException, InterruptedException {
        Map<String, Double> values = new LinkedHashMap<>();
        for (JsonNode v : get("/taskmanagers/" + taskManagerId + "/metrics?get=" + String.join(",", names))) {
            values.put(v.get("id").asText(), v.get("value").asDouble());
        }
        return values;
    }

    /** Checkpoint statistics of the job: counts, latest, history. */
    public JsonNode checkpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    public void cancel(String jobId) throws IOException, InterruptedException {
        patch("/jobs/" + jobId + "?mode=cancel");
    }

    private JsonNode parse(String path, String body) throws IOException {
        try {
            return JsonCodec.mapper().readTree(body);
        } catch (IOException e) {
            throw new IOException("GET " + base + path + " did not answer JSON: " + body, e);
        }
    }
}
