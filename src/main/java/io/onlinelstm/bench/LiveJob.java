package io.onlinelstm.bench;

import io.onlinelstm.demo.EmbeddedKafka;
import io.onlinelstm.demo.TemporaryFolder;
import io.onlinelstm.job.ForecastJob;
import io.onlinelstm.job.JobConfig;
import io.onlinelstm.job.JobOptions;
import io.onlinelstm.job.LoopbackFlink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real forecasting job ({@link ForecastJob}: Kafka source, parser, forecaster, Kafka sinks) on
 * a local Flink in this JVM, against a broker, with everything of its own: topics, consumer group,
 * transactional-id prefix, model store and checkpoint folder named after the run, so runs never
 * see each other's data or transactions. Closing cancels the job, deletes its topics (the broker
 * outlives many runs; its disk should not fill up) and its folder.
 */
final class LiveJob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveJob.class);

    /** Options the run sets itself; a user's value would break its isolation from other runs. */
    static final List<String> OWN_OPTIONS = List.of(JobOptions.KAFKA_BOOTSTRAP_SERVERS.key(), JobOptions.TOPIC_READINGS.key(),
            JobOptions.TOPIC_FORECASTS.key(), JobOptions.TOPIC_DEAD_LETTERS.key(), JobOptions.TOPIC_ALERTS.key(),
            JobOptions.TOPIC_MODEL_UPDATES.key(), JobOptions.TOPIC_MODEL_UPDATES_DLQ.key(), JobOptions.KAFKA_GROUP_ID.key(),
            JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(), JobOptions.KAFKA_STARTING_OFFSETS.key());

    private final EmbeddedKafka kafka;
    private final TemporaryFolder folder;
    private final String readings;
    private final String forecasts;
    private final List<String> topics;
    private final JobConfig config;
    private JobClient client;

    private LiveJob(EmbeddedKafka kafka, TemporaryFolder folder, String run, JobConfig config, List<String> topics) {
        this.kafka = kafka;
        this.folder = folder;
        this.readings = "readings-" + run;
        this.forecasts = "forecasts-" + run;
        this.config = config;
        this.topics = topics;
    }

    /**
     * Creates the run's topics and starts the job; returns once Flink reports it running.
     *
     * @param run a name unique on the broker (letters, digits, dashes)
     * @param options job options on top of the run's own (see {@link #OWN_OPTIONS})
     */
    static LiveJob start(EmbeddedKafka kafka, String run, int parallelism, Map<String, String> options) throws Exception {
        for (String name : options.keySet()) {
            if (OWN_OPTIONS.contains(name)) {
                throw new IllegalArgumentException("The benchmark sets --" + name + " itself (each run has its own topics,"
                        + " group and transactional ids); leave it out");
            }
        }
        TemporaryFolder folder = TemporaryFolder.create("online-lstm-bench-latency-");
        Path dir = folder.path();
        String prefix = "bench-latency-" + run;
        Map<String, String> all = new LinkedHashMap<>();
        all.put(JobOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        all.put(JobOptions.TOPIC_READINGS.key(), "readings-" + run);
        all.put(JobOptions.TOPIC_FORECASTS.key(), "forecasts-" + run);
        all.put(JobOptions.TOPIC_DEAD_LETTERS.key(), "readings-dlq-" + run);
        all.put(JobOptions.TOPIC_ALERTS.key(), "alerts-" + run);
        all.put(JobOptions.TOPIC_MODEL_UPDATES.key(), "model-updates-" + run);
        all.put(JobOptions.TOPIC_MODEL_UPDATES_DLQ.key(), "model-updates-dlq-" + run);
        all.put(JobOptions.KAFKA_GROUP_ID.key(), prefix);
        all.put(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(), prefix);
        all.put(JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
        all.put(JobOptions.JOB_NAME.key(), prefix);
        all.put(JobOptions.PARALLELISM.key(), String.valueOf(parallelism));
        // Each run learns from scratch and checkpoints to its own folder (the JobManager's memory stops at 5 MB).
        all.put(JobOptions.MODEL_STORE.key(), dir.resolve("models").toUri().toString());
        all.put(JobOptions.CHECKPOINT_STORAGE.key(), dir.resolve("checkpoints").toUri().toString());
        all.putAll(options);
        JobConfig config;
        try {
            config = JobConfig.of(all);
        } catch (RuntimeException e) {
            folder.close();
            throw e;
        }
        List<String> topics = List.of(config.get(JobOptions.TOPIC_READINGS), config.get(JobOptions.TOPIC_FORECASTS),
                config.get(JobOptions.TOPIC_ALERTS), config.get(JobOptions.TOPIC_DEAD_LETTERS),
                config.get(JobOptions.TOPIC_MODEL_UPDATES), config.get(JobOptions.TOPIC_MODEL_UPDATES_DLQ));
        LiveJob job = new LiveJob(kafka, folder, run, config, topics);
        try {
            // As the demo: 4 partitions where the data flows, 1 for the rest.
            kafka.createTopics(4, topics.get(0), topics.get(1), topics.get(2));
            kafka.createTopics(1, topics.get(3), topics.get(4), topics.get(5));
            Configuration flink = LoopbackFlink.configuration();
            flink.set(CoreOptions.TMP_DIRS, dir.resolve("flink-tmp").toString());
            job.client = ForecastJob.start(StreamExecutionEnvironment.createLocalEnvironment(flink), config);
            job.awaitRunning(Duration.ofMinutes(2));
            return job;
        } catch (Exception | Error e) {
            job.close();
            throw e;
        }
    }

    private void awaitRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JobStatus status = client.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("The job ended before it ran: " + status);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The job was not running after " + timeout);
    }

    String servers() {
        return kafka.bootstrapServers();
    }

    String readingsTopic() {
        return readings;
    }

    String forecastsTopic() {
        return forecasts;
    }

    /** exactly-once or at-least-once: how forecasts are written. */
    String deliveryGuarantee() {
        return config.get(JobOptions.KAFKA_DELIVERY_GUARANTEE).trim().toLowerCase(java.util.Locale.ROOT);
    }

    Duration checkpointInterval() {
        return config.get(JobOptions.CHECKPOINT_INTERVAL);
    }

    /** Fails when the job has stopped: a benchmark of a dead job would only measure the broker. */
    void checkRunning() throws Exception {
        JobStatus status = client.getJobStatus().get(10, TimeUnit.SECONDS);
        if (status != JobStatus.RUNNING) {
            throw new IllegalStateException("The job is " + status + " (see the log)");
        }
    }

    @Override
    public void close() {
        if (client != null) {
            try {
                io.onlinelstm.job.LocalJobs.cancelAndAwait(client, java.time.Duration.ofSeconds(60));
            } catch (Exception e) {
                LOG.warn("Cancelling the benchmark job: {}", e.toString());
            }
        }
        try (var admin = kafka.admin()) {
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Deleting the benchmark's topics {}: {}", topics, e.toString());
        }
        folder.close();
    }
}
