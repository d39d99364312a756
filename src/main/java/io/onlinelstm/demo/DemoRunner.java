package io.onlinelstm.demo;

import io.onlinelstm.job.ForecastJob;
import io.onlinelstm.job.JobConfig;
import io.onlinelstm.job.JobOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-command demo: a real Kafka broker, a generator of many series, the forecasting job on a
 * local Flink with its Web UI, and a status line every few seconds read from what the job
 * committed. Stops after the duration or on Ctrl-C, leaving no thread, broker or folder behind.
 */
public final class DemoRunner {

    private static final Logger LOG = LoggerFactory.getLogger(DemoRunner.class);

    /**
     * @param duration how long to run; zero runs until Ctrl-C
     * @param jobOptions extra job options (model, forecaster) on top of the demo's
     */
    public record Settings(int series, double eventsPerSecond, double badRate, Duration duration,
                           Duration statusEvery, int webUiPort, int parallelism, Map<String, String> jobOptions) {}

    /** What the demo did, for its last line and for tests. */
    public record Summary(long sent, long badSent, long forecasts, long deadLetters, String webUiUrl) {}

    private DemoRunner() {}

    public static Summary run(Settings settings, PrintStream out) throws Exception {
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Path tmp = Files.createTempDirectory("online-lstm-demo-");
        EmbeddedKafka kafka = null;
        DemoGenerator generator = null;
        Thread generatorThread = null;
        JobClient job = null;
        try {
            out.println("Starting Kafka (KRaft) ...");
            kafka = EmbeddedKafka.start();
            kafka.createTopics(4, "readings", "forecasts");
            kafka.createTopics(1, "readings-dlq", "model-updates", "model-updates-dlq");
            kafka.createTopics(4, "alerts");

            int port = settings.webUiPort() > 0 ? settings.webUiPort() : freePort();
            Configuration flinkConf = io.onlinelstm.job.LoopbackFlink.configuration();
            flinkConf.set(RestOptions.PORT, port);
            flinkConf.set(CoreOptions.TMP_DIRS, tmp.resolve("flink-tmp").toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flinkConf);

            Map<String, String> options = new LinkedHashMap<>();
            options.put(JobOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
            options.put(JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
            options.put(JobOptions.CHECKPOINT_INTERVAL.key(), "2 s");
            options.put(JobOptions.PARALLELISM.key(), String.valueOf(settings.parallelism()));
            options.put(JobOptions.JOB_NAME.key(), "online-lstm-demo");
            // The demo learns from scratch every time; its models live and die with it.
            options.put(JobOptions.MODEL_STORE.key(), tmp.resolve("models").toUri().toString());
            // The JobManager's in-memory checkpoint storage stops at 5 MB; many series need files.
            options.put(JobOptions.CHECKPOINT_STORAGE.key(), tmp.resolve("checkpoints").toUri().toString());
            options.putAll(settings.jobOptions());
            JobConfig config = JobConfig.of(options);

            generator = new DemoGenerator(kafka.bootstrapServers(), "readings", settings.series(),
                    settings.eventsPerSecond(), settings.badRate());
            generatorThread = new Thread(generator, "demo-generator");
            generatorThread.setDaemon(true);
            generatorThread.start();

            job = ForecastJob.start(env, config);
            String url = "http://127.0.0.1:" + port;
            out.printf("Forecasting %,d series at %,.0f readings/s. Flink Web UI: %s  (Ctrl-C stops)%n",
                    settings.series(), settings.eventsPerSecond(), url);
            String logFile = System.getProperty("online-lstm.log.file");
            if (logFile != null) {
                out.println("Full log: " + logFile);
            }

            long startNanos = System.nanoTime();
            long deadline = settings.duration().isZero() ? Long.MAX_VALUE : startNanos + settings.duration().toNanos();
            try (DemoMonitor monitor = new DemoMonitor(kafka.bootstrapServers(), "forecasts", "readings-dlq")) {
                long intervalStart = System.nanoTime();
                while (stopRequested.getCount() > 0 && System.nanoTime() < deadline) {
                    Duration left = Duration.ofNanos(Math.min(deadline - System.nanoTime(),
                            intervalStart + settings.statusEvery().toNanos() - System.nanoTime()));
                    monitor.poll(left.isNegative() ? Duration.ZERO : left);
                    if (job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                        throw new IllegalStateException("The demo job stopped unexpectedly: "
                                + job.getJobStatus().get() + "; see the log above");
                    }
                    long now = System.nanoTime();
                    if (now - intervalStart >= settings.statusEvery().toNanos() || now >= deadline) {
                        out.println(monitor.statusLine((now - startNanos) / 1_000_000_000L,
                                (now - intervalStart) / 1e9, generator.sent()));
                        intervalStart = now;
                    }
                }
                generator.stop();
                Summary summary = new Summary(generator.sent(), generator.badSent(), monitor.forecasts(),
                        monitor.deadLetters(), url);
                out.printf("Demo finished: %,d readings sent (%,d bad), %,d forecasts and %,d dead letters committed.%n",
                        summary.sent(), summary.badSent(), summary.forecasts(), summary.deadLetters());
                return summary;
            }
        } finally {
            if (generator != null) {
                generator.stop();
            }
            if (generatorThread != null) {
                generatorThread.join(10_000);
            }
            if (job != null) {
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                    // Wait until the local cluster behind the job is really gone.
                    job.getJobExecutionResult().handle((r, e) -> null).get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("Cancelling the demo job: {}", e.toString());
                }
            }
            if (kafka != null) {
                kafka.close();
            }
            EmbeddedKafka.deleteQuietly(tmp);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and waits for 'finished'
            }
        }
    }

    private static int freePort() {
        for (int candidate : new int[] {8081, 0}) {
            try (ServerSocket s = new ServerSocket(candidate, 50, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                // 8081 taken: fall through to any free port
            }
        }
        throw new UncheckedIOException(new IOException("No free port for the Flink Web UI"));
    }
}
