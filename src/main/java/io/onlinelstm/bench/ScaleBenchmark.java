package io.onlinelstm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.cluster.FlinkRestClient;
import io.onlinelstm.cluster.LocalClusterScript;
import io.onlinelstm.demo.DemoGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The job at one series count on one state backend, on the local cluster of real processes
 * (parallelism 2 over two TaskManagers, exactly-once checkpoints every 10 s, as the job runs):
 * <ol>
 *   <li>full speed: one reading of every series (so every series has state), then a backlog of
 *       more readings, all written to Kafka before the job starts; the rate is measured over the
 *       backlog only, from the forecasts topic's end offsets (forecasts are written as they are
 *       made, committed at checkpoints);</li>
 *   <li>a fixed rate: checkpoint durations and sizes (full and uploaded) and each TaskManager's
 *       resident memory trend after a warm-up;</li>
 *   <li>a TaskManager killed with SIGKILL at that rate: the time until forecasts flow again
 *       after the job's last restart.</li>
 * </ol>
 */
public final class ScaleBenchmark {

    /**
     * @param state a fresh folder for this run's processes, Kafka data and checkpoints (deleted
     *     afterwards but for the logs)
     * @param backlog readings of the full-speed phase after the first reading of every series
     */
    public record Settings(Path root, Path state, int kafkaPort, String backend, int series, long backlog,
                           double rate, Duration fixedRate, Duration warmup, List<String> jobOptions) {}

    /**
     * @param checkpointBytes median bytes a checkpoint uploaded (only new files when incremental)
     * @param stateBytes the full state of the last checkpoint
     * @param forecasterBytes the forecaster's part of it: every series' state and the serving model
     * @param recoveryMillis from the SIGKILL until forecasts flow again after the job's last
     *     restart; -1 when they did not within the time allowed
     * @param taskManagerRestarts TaskManager processes the supervisor started again after the kill
     *     (the killed one, and any that died of the fault)
     */
    public record Result(String backend, int series, long eventsPerSecond, long checkpointP50Millis,
                         long checkpointMaxMillis, long checkpointBytes, long stateBytes, long forecasterBytes,
                         double rssTrendMbPerMinute,
                         long recoveryMillis, int restarts, int taskManagerRestarts, long failedCheckpoints,
                         List<String> checkpointFailures) {

        /** The forecaster's checkpointed state per series (the serving model's copy included). */
        public long bytesPerSeries() {
            return series == 0 ? 0 : forecasterBytes / series;
        }

        /** One JSON object, the keys docs/benchmarks.md's table shows. */
        public Map<String, Object> json() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "scale");
            r.put("backend", backend);
            r.put("series", series);
            r.put("events_per_s", eventsPerSecond);
            r.put("checkpoint_p50_ms", checkpointP50Millis);
            r.put("checkpoint_max_ms", checkpointMaxMillis);
            r.put("checkpoint_bytes", checkpointBytes);
            r.put("state_bytes", stateBytes);
            r.put("bytes_per_series", bytesPerSeries());
            r.put("rss_trend_mb_per_min", Math.round(rssTrendMbPerMinute * 100) / 100.0);
            r.put("recovery_ms", recoveryMillis);
            r.put("restarts", restarts);
            r.put("taskmanager_restarts", taskManagerRestarts);
            r.put("failed_checkpoints", failedCheckpoints);
            return r;
        }
    }

    private static final String FORECASTER = "lstm forecaster";
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    /** The job has settled after a fault when it ran this long without restarting again. */
    private static final Duration SETTLED = Duration.ofSeconds(30);
    /** Longest the recovery phase waits for forecasts after the kill (readings keep coming at the rate meanwhile). */
    public static final Duration RECOVERY_LIMIT = Duration.ofMinutes(4);
    /**
     * The backlog phase gives up when no forecast was written for this long: a job that stopped
     * (a TaskManager out of heap restarts for ever) is reported at once, not after an hour.
     */
    private static final Duration STALLED = Duration.ofMinutes(3);

    private final Settings settings;

    /** The JSON line of a run that could not finish, with the reason in its "error" key. */
    public static Map<String, Object> failedRun(String backend, int series, String error) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bench", "scale");
        r.put("backend", backend);
        r.put("series", series);
        r.put("error", error);
        return r;
    }

    public ScaleBenchmark(Settings settings) {
        this.settings = settings;
    }

    public Result run(PrintStream out) throws Exception {
        LocalClusterScript cluster = new LocalClusterScript(settings.root(), settings.state(), settings.kafkaPort(), false);
        FlinkRestClient rest = new FlinkRestClient("http://127.0.0.1:8081");
        DemoGenerator steady = null;
        try (KafkaConsumer<byte[], byte[]> offsets = endOffsetReader(cluster.servers())) {
            cluster.start();
            String label = settings.backend() + " " + String.format(Locale.ROOT, "%,d", settings.series()) + " series";
            out.printf(Locale.ROOT, "scale %s: writing %,d readings to Kafka%n", label, settings.series() + settings.backlog());
            DemoGenerator backlog = new DemoGenerator(cluster.servers(), "readings", settings.series(),
                    Double.POSITIVE_INFINITY, 0.0, 0, settings.series() + settings.backlog());
            backlog.run();
            String job = cluster.submit(jobOptions());
            long eventsPerSecond = fullSpeed(out, label, offsets, settings.series(), settings.series() + settings.backlog());

            steady = new DemoGenerator(cluster.servers(), "readings", settings.series(), settings.rate(), 0.0,
                    backlog.nextTick(), Long.MAX_VALUE);
            Thread producer = new Thread(steady, "scale-generator");
            producer.setDaemon(true);
            producer.start();
            FixedRate fixed = fixedRate(out, label, cluster, rest, job);

            Recovery recovery = killAndRecover(out, label, cluster, rest, job, offsets);
            steady.stop();
            producer.join();
            int restarts = (int) rest.restarts(job);
            rest.cancel(job);
            return new Result(settings.backend(), settings.series(), eventsPerSecond, fixed.p50Millis(), fixed.maxMillis(),
                    fixed.uploadedBytes(), fixed.stateBytes(), fixed.forecasterBytes(), fixed.rssTrend(), recovery.millis(),
                    restarts, recovery.taskManagerRestarts(), fixed.failures().size(), fixed.failures());
        } finally {
            if (steady != null) {
                steady.stop();
            }
            cluster.stop();
            // State, broker data and checkpoints run to gigabytes (tens at 10 M series); the logs stay.
            for (String dir : List.of("kafka", "checkpoints", "models", "tmp")) {
                SoakBenchmark.deleteRecursively(settings.state().resolve(dir));
            }
        }
    }

    private List<String> jobOptions() {
        List<String> options = new ArrayList<>(List.of("--job.parallelism", "2", "--state.backend", settings.backend(),
                "--kafka.starting-offsets", "earliest"));
        options.addAll(settings.jobOptions());
        return options;
    }

    /**
     * Forecasts per second over the backlog: from when the first reading of every series was
     * forecast to when the last of the backlog was.
     */
    private long fullSpeed(PrintStream out, String label, KafkaConsumer<byte[], byte[]> offsets, long firstPass, long total)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
        long startNanos = -1;
        long startCount = 0;
        long lastPrint = System.nanoTime();
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long count = written(offsets);
            long now = System.nanoTime();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = now;
            } else if (now - lastProgress > STALLED.toNanos()) {
                throw new IOException(stalled(count, total));
            }
            if (startNanos < 0 && count >= firstPass) {
                startNanos = now;
                startCount = count;
            }
            if (count >= total) {
                double seconds = (now - startNanos) / 1e9;
                long rate = Math.round((count - startCount) / Math.max(seconds, 1e-3));
                out.printf(Locale.ROOT, "scale %s: backlog of %,d forecast at %,d events/s%n", label, total - firstPass, rate);
                return rate;
            }
            if (now - lastPrint > Duration.ofSeconds(30).toNanos()) {
                out.printf(Locale.ROOT, "scale %s: %,d of %,d forecast%n", label, count, total);
                lastPrint = now;
            }
            Thread.sleep(250);
        }
        throw new IOException("The job did not forecast the backlog within 60 minutes; see the logs in " + settings.state());
    }

    private String stalled(long count, long total) throws IOException {
        Path logs = settings.state().resolve("logs");
        String cause = ProcessLogFaults.first(logs)
                .map(line -> " First fatal error in the process logs: " + line + ".")
                .orElse(" No fatal error in the process logs; see " + logs + ".");
        String hint = "hashmap".equals(settings.backend())
                ? " On the heap backend every series' state must fit the TaskManagers' heap: use --backends rocksdb"
                        + " for this many series, or larger TaskManagers (taskmanager.memory.process.size)."
                : "";
        return String.format(Locale.ROOT, "The job stopped forecasting at %,d of %,d readings: nothing new for %d minutes.%s%s",
                count, total, STALLED.toMinutes(), cause, hint);
    }

    private record FixedRate(long p50Millis, long maxMillis, long uploadedBytes, long stateBytes, long forecasterBytes,
                             double rssTrend, List<String> failures) {}

    private FixedRate fixedRate(PrintStream out, String label, LocalClusterScript cluster, FlinkRestClient rest, String job)
            throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "scale %s: %,.0f readings/s for %s%n", label, settings.rate(), settings.fixedRate());
        Map<Long, SoakBenchmark.CheckpointSample> checkpoints = new LinkedHashMap<>();
        Map<Long, String> failures = new LinkedHashMap<>();
        long start = System.nanoTime();
        // Checkpoints before this phase (taken under the backlog) are not what it measures.
        long before = latestCompleted(rest.checkpoints(job));
        Map<String, List<SoakBenchmark.MemorySample>> memory = new LinkedHashMap<>();
        long end = start + settings.fixedRate().toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(SAMPLE_EVERY.toMillis());
            long second = (System.nanoTime() - start) / 1_000_000_000L;
            for (int i = 1; i <= 2; i++) {
                String tm = "taskmanager-" + i;
                double rss = ResidentMemory.megabytes(cluster.pid(tm));
                if (second >= settings.warmup().toSeconds() && rss > 0) {
                    memory.computeIfAbsent(tm, k -> new ArrayList<>())
                            .add(new SoakBenchmark.MemorySample(second, tm, rss, 0, 0, 0));
                }
            }
            SoakBenchmark.collectCheckpoints(rest.checkpoints(job), start, checkpoints, failures);
        }
        List<SoakBenchmark.CheckpointSample> measured = checkpoints.values().stream().filter(c -> c.id() > before).toList();
        long[] durations = measured.stream().mapToLong(SoakBenchmark.CheckpointSample::durationMillis).sorted().toArray();
        long[] uploaded = measured.stream().mapToLong(SoakBenchmark.CheckpointSample::sizeBytes).sorted().toArray();
        JsonNode latest = rest.checkpoints(job).path("latest").path("completed");
        String forecaster = rest.vertex(job, FORECASTER).get("id").asText();
        long forecasterBytes = rest.get("/jobs/" + job + "/checkpoints/details/" + latest.path("id").asLong())
                .path("tasks").path(forecaster).path("state_size").asLong();
        double trend = memory.values().stream()
                .mapToDouble(samples -> SoakSummary.slopePerMinute(samples, SoakBenchmark.MemorySample::residentMb))
                .max().orElse(0);
        FixedRate result = new FixedRate(median(durations), durations.length == 0 ? 0 : durations[durations.length - 1],
                median(uploaded), latest.path("state_size").asLong(), forecasterBytes, trend,
                failures.entrySet().stream().filter(f -> f.getKey() > before).map(Map.Entry::getValue).toList());
        out.printf(Locale.ROOT, "scale %s: %d checkpoints, p50 %d ms, max %d ms, %,d bytes uploaded (median) of %,d;"
                        + " resident memory trend %+.2f MB/min (the steeper TaskManager); %d failed%n", label, durations.length,
                result.p50Millis(), result.maxMillis(), result.uploadedBytes(), result.stateBytes(), trend, result.failures().size());
        return result;
    }

    private record Recovery(long millis, int taskManagerRestarts) {}

    /**
     * Kills the TaskManager of the forecaster's first subtask and returns the milliseconds from
     * the kill until forecasts grew again after the job's last switch to RUNNING (the JobManager
     * may place tasks on the dead TaskManager until its heartbeat times out, so it can restart
     * more than once). A supervisor starts dead TaskManagers again meanwhile, as Kubernetes would.
     */
    private Recovery killAndRecover(PrintStream out, String label, LocalClusterScript cluster, FlinkRestClient rest, String job,
                                KafkaConsumer<byte[], byte[]> offsets) throws IOException, InterruptedException {
        String victim = taskManagerOf(rest, job);
        long pid = cluster.pid("taskmanager-" + victim.substring("tm-".length()));
        long killedAt = System.currentTimeMillis();
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroyForcibly();
            // The supervisor must see it dead, not dying.
            process.onExit().join();
        });
        out.printf(Locale.ROOT, "scale %s: killed %s (pid %d)%n", label, victim, pid);
        long recovery;
        int taskManagerRestarts;
        try (TaskManagerSupervisor supervisor = new TaskManagerSupervisor(cluster, 2, out)) {
            recovery = awaitRecovery(rest, job, offsets, killedAt);
            taskManagerRestarts = supervisor.restarts();
        }
        if (recovery < 0) {
            out.printf(Locale.ROOT, "scale %s: no forecasts within %s of the kill; see %s%n", label, RECOVERY_LIMIT,
                    settings.state().resolve("logs"));
        } else {
            out.printf(Locale.ROOT, "scale %s: forecasting again %d ms after the kill%n", label, recovery);
        }
        return new Recovery(recovery, taskManagerRestarts);
    }

    /**
     * Milliseconds from {@code killedAt} until forecasts grew after the job's last switch to
     * RUNNING, once it has run {@link #SETTLED} without restarting; -1 if not within
     * {@link #RECOVERY_LIMIT}.
     */
    private static long awaitRecovery(FlinkRestClient rest, String job, KafkaConsumer<byte[], byte[]> offsets, long killedAt)
            throws IOException, InterruptedException {
        List<long[]> samples = new ArrayList<>();
        long deadline = killedAt + RECOVERY_LIMIT.toMillis();
        long recovery = -1;
        while (System.currentTimeMillis() < deadline) {
            samples.add(new long[] {System.currentTimeMillis(), written(offsets)});
            JsonNode status = rest.get("/jobs/" + job);
            long runningSince = status.path("timestamps").path("RUNNING").asLong(0);
            boolean running = status.path("state").asText().equals("RUNNING") && runningSince > killedAt;
            long flowing = running ? firstGrowthAfter(samples, runningSince) : -1;
            recovery = flowing < 0 ? -1 : flowing - killedAt;
            if (recovery > 0 && System.currentTimeMillis() - runningSince > SETTLED.toMillis()) {
                break;
            }
            Thread.sleep(250);
        }
        return recovery;
    }

    /** When the forecasts' count first grew after {@code since}, or -1 if it has not. */
    static long firstGrowthAfter(List<long[]> samples, long since) {
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i - 1)[0] >= since && samples.get(i)[1] > samples.get(i - 1)[1]) {
                return samples.get(i)[0];
            }
        }
        return -1;
    }

    private static String taskManagerOf(FlinkRestClient rest, String job) throws IOException, InterruptedException {
        for (JsonNode subtask : rest.vertex(job, FORECASTER).get("subtasks")) {
            if (subtask.get("subtask").asInt() == 0) {
                return subtask.path("taskmanager-id").asText();
            }
        }
        throw new IOException("The forecaster of job " + job + " has no subtask 0");
    }

    private static long latestCompleted(JsonNode stats) {
        return stats.path("latest").path("completed").path("id").asLong(0);
    }

    private static long median(long[] sorted) {
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    /** Records written to the forecasts topic, committed or not: the sink writes as it forecasts. */
    private static long written(KafkaConsumer<byte[], byte[]> consumer) {
        List<TopicPartition> partitions = consumer.partitionsFor("forecasts", Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition("forecasts", info.partition())).toList();
        return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
    }

    private static KafkaConsumer<byte[], byte[]> endOffsetReader(String servers) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("isolation.level", "read_uncommitted");
        p.setProperty("enable.auto.commit", "false");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
