package io.onlinelstm.demo;

import io.onlinelstm.job.ForecastJob;
import io.onlinelstm.job.JobConfig;
import io.onlinelstm.job.JobOptions;
import io.onlinelstm.job.LoopbackFlink;
import io.onlinelstm.job.OutputMonitor;
import io.onlinelstm.job.StatusLoop;
import io.onlinelstm.job.StopOnSignal;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
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
        StopOnSignal signal = new StopOnSignal("demo", Duration.ofSeconds(60));
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

            Configuration flinkConf = LoopbackFlink.withWebUi(settings.webUiPort());
            flinkConf.set(CoreOptions.TMP_DIRS, tmp.resolve("flink-tmp").toString());
            StreamExecutionEnvironment env = LoopbackFlink.environmentWithWebUi(flinkConf);

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
            String url = LoopbackFlink.webUiUrl(flinkConf);
            out.printf("Forecasting %,d series at %,.0f readings/s. Flink Web UI: %s  (Ctrl-C stops)%n",
                    settings.series(), settings.eventsPerSecond(), url);
            String logFile = System.getProperty("online-lstm.log.file");
            if (logFile != null) {
                out.println("Full log: " + logFile);
            }

            long deadline = settings.duration().isZero() ? Long.MAX_VALUE : System.nanoTime() + settings.duration().toNanos();
            // The demo's own broker is fresh: count everything, so the summary misses nothing.
            try (OutputMonitor monitor = new OutputMonitor(kafka.bootstrapServers(), new java.util.Properties(),
                    OutputMonitor.Topics.of(config), true)) {
                StatusLoop.run(job, monitor, settings.statusEvery(), deadline, signal.stopRequested(), generator::sent, out);
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
                    io.onlinelstm.job.LocalJobs.cancelAndAwait(job, java.time.Duration.ofSeconds(30));
                } catch (Exception e) {
                    LOG.warn("Cancelling the demo job: {}", e.toString());
                }
            }
            if (kafka != null) {
                kafka.close();
            }
            EmbeddedKafka.deleteQuietly(tmp);
            signal.close();
        }
    }
}
