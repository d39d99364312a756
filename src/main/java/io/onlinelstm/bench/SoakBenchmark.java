package io.onlinelstm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.cluster.FlinkRestClient;
import io.onlinelstm.cluster.LocalClusterScript;
import io.onlinelstm.demo.DemoGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The job on the local cluster of real processes (deploy/local/cluster.sh) under a steady input
 * rate for a long while, sampling what must stay flat: each TaskManager's resident memory (heap,
 * DJL's native tensors and everything else), its heap and direct memory, and the duration and size
 * of every checkpoint. Ends with a count of committed forecasts against readings sent.
 */
public final class SoakBenchmark {

    /**
     * @param root the project folder (deploy/local/cluster.sh, target/)
     * @param state a fresh folder for the cluster's processes, Kafka data and checkpoints
     * @param jobOptions options for the job beyond those cluster.sh sets
     */
    public record Settings(Path root, Path state, int kafkaPort, int taskManagers, Duration duration,
                           Duration sampleEvery, double eventsPerSecond, int series, List<String> jobOptions) {}

    public record MemorySample(long second, String taskManager, double residentMb, double heapUsedMb,
                               double heapCommittedMb, double directMb) {}

    public record CheckpointSample(long id, long second, long durationMillis, long sizeBytes) {}

    /**
     * @param forecastsWritten what a read_uncommitted consumer sees (aborted writes included): differs
     *     from forecastsCommitted only when transactions were left open or aborted
     * @param checkpointFailures "id: reason" of each failed checkpoint
     */
    public record Result(String jobId, String finalStatus, long readingsSent, long forecastsCommitted, long forecastsWritten,
                         long restarts, long completedCheckpoints, long failedCheckpoints, List<MemorySample> memory,
                         List<CheckpointSample> checkpoints, List<String> checkpointFailures) {}

    private static final String HEAP_USED = "Status.JVM.Memory.Heap.Used";
    private static final String HEAP_COMMITTED = "Status.JVM.Memory.Heap.Committed";
    private static final String DIRECT = "Status.JVM.Memory.Direct.MemoryUsed";
    private static final double MB = 1024.0 * 1024.0;

    private final Settings settings;

    public SoakBenchmark(Settings settings) {
        this.settings = settings;
    }

    /** Starts the cluster, runs the soak, stops the cluster; progress lines go to {@code out}. */
    public Result run(PrintStream out) throws Exception {
        LocalClusterScript cluster = new LocalClusterScript(settings.root(), settings.state(), settings.kafkaPort(), false);
        FlinkRestClient rest = new FlinkRestClient("http://127.0.0.1:8081");
        DemoGenerator generator = null;
        try {
            cluster.start();
            String job = cluster.submit(settings.jobOptions());
            awaitRunningWithMetrics(rest, job);
            // Failures before the soak starts (a checkpoint triggered while tasks were still being deployed) do not count.
            JsonNode statsBefore = rest.checkpoints(job);
            long failedBefore = statsBefore.get("counts").get("failed").asLong();
            out.printf(Locale.ROOT, "soak: job %s on the local cluster, %.0f readings/s over %d series for %s%n",
                    job, settings.eventsPerSecond(), settings.series(), settings.duration());
            generator = new DemoGenerator(cluster.servers(), "readings", settings.series(),
                    settings.eventsPerSecond(), 0.0);
            Thread producer = new Thread(generator, "soak-generator");
            producer.setDaemon(true);
            producer.start();
            List<MemorySample> memory = new ArrayList<>();
            Map<Long, CheckpointSample> checkpoints = new LinkedHashMap<>();
            Map<Long, String> failures = new LinkedHashMap<>();
            collectCheckpoints(statsBefore, System.nanoTime(), new LinkedHashMap<>(), failures);
            java.util.Set<Long> failedBeforeIds = new java.util.HashSet<>(failures.keySet());
            long start = System.nanoTime();
            long end = start + settings.duration().toNanos();
            long next = start;
            while (System.nanoTime() < end) {
                next += settings.sampleEvery().toNanos();
                Thread.sleep(Math.max(0, (Math.min(next, end) - System.nanoTime()) / 1_000_000));
                long second = (System.nanoTime() - start) / 1_000_000_000L;
                List<MemorySample> round = new ArrayList<>();
                for (int i = 1; i <= settings.taskManagers(); i++) {
                    round.add(sampleMemory(cluster, rest, i, second));
                }
                memory.addAll(round);
                collectCheckpoints(rest.checkpoints(job), start, checkpoints, failures);
                out.println(progressLine(second, generator.sent(), round, checkpoints));
            }
            generator.stop();
            producer.join();
            long committed = CommittedRecords.count(cluster.servers(), "forecasts", generator.sent(), true, Duration.ofMinutes(3));
            long written = committed == generator.sent() ? committed
                    : CommittedRecords.count(cluster.servers(), "forecasts", generator.sent(), false, Duration.ofMinutes(1));
            JsonNode stats = rest.checkpoints(job);
            collectCheckpoints(stats, start, checkpoints, failures);
            long restarts = rest.restarts(job);
            String status = rest.jobStatus(job);
            rest.cancel(job);
            return new Result(job, status, generator.sent(), committed, written, restarts,
                    stats.get("counts").get("completed").asLong(), stats.get("counts").get("failed").asLong() - failedBefore, memory,
                    new ArrayList<>(checkpoints.values()), failures.entrySet().stream()
                            .filter(f -> !failedBeforeIds.contains(f.getKey())).map(Map.Entry::getValue).toList());
        } finally {
            if (generator != null) {
                generator.stop();
            }
            cluster.stop();
            // The broker's data and the checkpoints run to gigabytes; the logs stay.
            deleteRecursively(settings.state().resolve("kafka"));
            deleteRecursively(settings.state().resolve("checkpoints"));
            deleteRecursively(settings.state().resolve("tmp"));
        }
    }

    /**
     * Waits until every task of the job runs and the REST API reports every TaskManager's JVM
     * metrics, so that the first sample is a real one (the REST API fetches metrics periodically).
     */
    private void awaitRunningWithMetrics(FlinkRestClient rest, String job) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            boolean ready = true;
            // The job is RUNNING before its tasks are; a checkpoint triggered in between fails.
            for (JsonNode vertex : rest.get("/jobs/" + job).get("vertices")) {
                ready &= vertex.get("status").asText().equals("RUNNING");
            }
            for (int i = 1; ready && i <= settings.taskManagers(); i++) {
                ready = rest.taskManagerMetrics("tm-" + i, HEAP_USED).containsKey(HEAP_USED);
            }
            if (ready) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IOException("Job " + job + " is not running with TaskManager metrics after 2 minutes (status "
                + rest.jobStatus(job) + "); see the logs in " + settings.state().resolve("logs"));
    }

    private static MemorySample sampleMemory(LocalClusterScript cluster, FlinkRestClient rest, int index, long second)
            throws IOException, InterruptedException {
        String id = "tm-" + index;
        Map<String, Double> jvm = rest.taskManagerMetrics(id, HEAP_USED, HEAP_COMMITTED, DIRECT);
        return new MemorySample(second, id, ResidentMemory.megabytes(cluster.pid("taskmanager-" + index)),
                jvm.getOrDefault(HEAP_USED, -MB) / MB, jvm.getOrDefault(HEAP_COMMITTED, -MB) / MB,
                jvm.getOrDefault(DIRECT, -MB) / MB);
    }

    /**
     * Adds the checkpoints in Flink's recent history that were not seen yet: completed ones and
     * failures. The REST API keeps the last 10 (web.checkpoints.history), so samples must come at
     * least every 10 checkpoint intervals; the default is one sample per interval.
     */
    static void collectCheckpoints(JsonNode stats, long startNanos, Map<Long, CheckpointSample> seen,
                                           Map<Long, String> failures) {
        long second = (System.nanoTime() - startNanos) / 1_000_000_000L;
        for (JsonNode c : stats.path("history")) {
            long id = c.get("id").asLong();
            if (c.get("status").asText().equals("FAILED")) {
                failures.putIfAbsent(id, id + ": " + c.path("failure_message").asText("(no reason given)"));
            }
            if (c.get("status").asText().equals("COMPLETED") && !seen.containsKey(id)) {
                seen.put(id, new CheckpointSample(id, second, c.get("end_to_end_duration").asLong(),
                        c.path("checkpointed_size").asLong(c.path("state_size").asLong())));
            }
        }
    }

    private static String progressLine(long second, long sent, List<MemorySample> round, Map<Long, CheckpointSample> checkpoints) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "soak: %5d s  sent %,d", second, sent));
        for (MemorySample m : round) {
            line.append(String.format(Locale.ROOT, "  %s rss %.0f MB heap %.0f MB", m.taskManager(), m.residentMb(), m.heapUsedMb()));
        }
        // Checkpoint ids rise, so the highest seen is the latest.
        checkpoints.values().stream().max(java.util.Comparator.comparingLong(CheckpointSample::id)).ifPresent(last ->
                line.append(String.format(Locale.ROOT, "  checkpoint %d: %d ms, %.1f MB", last.id(), last.durationMillis(), last.sizeBytes() / MB)));
        return line.toString();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Writes memory.csv and checkpoints.csv to {@code dir}. */
    public static void writeCsv(Result result, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> memory = new ArrayList<>(List.of("second,taskmanager,resident_mb,heap_used_mb,heap_committed_mb,direct_mb"));
        for (MemorySample m : result.memory()) {
            memory.add(String.format(Locale.ROOT, "%d,%s,%.1f,%.1f,%.1f,%.1f", m.second(), m.taskManager(), m.residentMb(),
                    m.heapUsedMb(), m.heapCommittedMb(), m.directMb()));
        }
        Files.write(dir.resolve("memory.csv"), memory);
        List<String> checkpoints = new ArrayList<>(List.of("id,second,duration_ms,size_bytes"));
        for (CheckpointSample c : result.checkpoints()) {
            checkpoints.add(c.id() + "," + c.second() + "," + c.durationMillis() + "," + c.sizeBytes());
        }
        Files.write(dir.resolve("checkpoints.csv"), checkpoints);
    }
}
