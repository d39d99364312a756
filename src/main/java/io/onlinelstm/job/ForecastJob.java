package io.onlinelstm.job;

import io.onlinelstm.io.KafkaIo;
import io.onlinelstm.io.RawReading;
import io.onlinelstm.operator.ForecasterSettings;
import java.time.Duration;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forecasting job: Kafka readings in, forecasts and dead letters out, exactly once. The same
 * class runs under {@code bin/online-lstm run} (local Flink) and {@code flink run} (a cluster).
 */
public final class ForecastJob {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastJob.class);

    private ForecastJob() {}

    /**
     * Entry point for {@code flink run flink-online-lstm.jar --option value ...} and the
     * Kubernetes operator: never calls System.exit, so it is safe in application mode.
     */
    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.println(usage());
            return;
        }
        run(StreamExecutionEnvironment.getExecutionEnvironment(), JobConfig.fromArgs(java.util.List.of(args)));
    }

    /** The --help text: every option with its default and description. */
    public static String usage() {
        return "Options of the forecasting job (--name value):\n" + JobConfig.helpText();
    }

    /** Applies the job's checkpointing, state backend, serializer and parallelism settings. */
    public static void configureEnvironment(StreamExecutionEnvironment env, JobConfig config) {
        Configuration conf = new Configuration();
        // Every type in this job has a real serializer; a Kryo fallback would be a bug, so fail instead.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Chained operators hand records on without a serializer copy (source -> parser, forecaster ->
        // its sinks: 3 % of the forecasters' samples). Safe because no operator of this graph keeps
        // or changes a record after emitting it, nor one it received from a chained operator: the
        // source's deserializer and the parser make a new record per input, the forecaster builds a
        // new Forecast, Alert and DeadLetter per output and drops its reference on emitting, and
        // Kafka sink writers serialize each record within write(). What the forecaster buffers (its
        // bundle's readings) arrives over the keyBy shuffle, whose input always deserializes a new
        // object (Flink's network inputs never reuse), so reuse cannot reach it.
        // ObjectReuseTest checks the outputs are the same with and without it.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        String backend = config.get(JobOptions.STATE_BACKEND);
        if (!backend.isBlank()) {
            conf.set(StateBackendOptions.STATE_BACKEND, backend);
            if (backend.equalsIgnoreCase("rocksdb") || backend.equalsIgnoreCase("forst")) {
                conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            }
        }
        String storage = config.get(JobOptions.CHECKPOINT_STORAGE);
        if (!storage.isBlank()) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, storage);
        }
        env.configure(conf);
        env.enableCheckpointing(config.get(JobOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setBufferTimeout(config.get(JobOptions.BUFFER_TIMEOUT).toMillis());
        int parallelism = config.get(JobOptions.PARALLELISM);
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
        int maxParallelism = config.get(JobOptions.MAX_PARALLELISM);
        if (maxParallelism > 0) {
            env.setMaxParallelism(maxParallelism);
        } else if (!restoring(env)) {
            // Only for a new job: a restored one keeps its savepoint's key groups, which cannot change.
            env.setMaxParallelism(JobOptions.DEFAULT_MAX_PARALLELISM);
        }
    }

    /** Whether the job starts from a savepoint or checkpoint (flink run -s, the REST API's savepointPath). */
    static boolean restoring(StreamExecutionEnvironment env) {
        return env.getConfiguration().getOptional(StateRecoveryOptions.SAVEPOINT_PATH).filter(p -> !p.isBlank()).isPresent();
    }

    /** Wires Kafka source, pipeline and Kafka sinks onto {@code env}. */
    public static void build(StreamExecutionEnvironment env, JobConfig config) {
        String servers = config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS);
        // Read once: every client gets the same settings even if the file changes meanwhile.
        java.util.Properties kafka = config.kafkaProperties();
        if (!kafka.isEmpty()) {
            // Names only: the values are often credentials.
            LOG.info("Kafka clients get extra properties {} (values hidden)", new java.util.TreeSet<>(kafka.stringPropertyNames()));
        }
        DataStream<RawReading> raw = env.fromSource(
                        KafkaIo.readingsSource(servers, config.get(JobOptions.TOPIC_READINGS),
                                config.get(JobOptions.KAFKA_GROUP_ID), config.startingOffsets(), kafka),
                        WatermarkStrategy.noWatermarks(), "kafka readings")
                .uid("kafka-readings");
        ForecasterSettings settings = config.forecaster().withInitialModel(config.initialModel());
        String prefix = config.get(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX);
        Duration timeout = config.get(JobOptions.KAFKA_TRANSACTION_TIMEOUT);
        boolean async = config.trainingMode().equals("async");
        DataStream<RawReading> updates = null;
        if (async) {
            updates = env.fromSource(KafkaIo.modelUpdateSource(servers, config.get(JobOptions.TOPIC_MODEL_UPDATES),
                                    config.get(JobOptions.KAFKA_GROUP_ID) + "-model-updates", kafka),
                            WatermarkStrategy.noWatermarks(), "kafka model updates")
                    .uid("kafka-model-updates")
                    .setParallelism(1);
        } else if (config.trainingMode().equals("inline")) {
            env.setParallelism(1);
        }
        // Sources take the extra properties as they are; the sinks' producers batch by the job's defaults under them.
        java.util.Properties producers = config.producerProperties(kafka);
        ForecastGraph.Sinks sinks = new ForecastGraph.Sinks(
                new ForecastGraph.NamedSink<>(KafkaIo.forecastSink(servers, config.get(JobOptions.TOPIC_FORECASTS),
                        prefix, timeout, producers, config.outputGuarantee()), "kafka forecasts", "kafka-forecasts"),
                new ForecastGraph.NamedSink<>(KafkaIo.alertSink(servers, config.get(JobOptions.TOPIC_ALERTS),
                        prefix, timeout, producers, config.outputGuarantee()), "kafka alerts", "kafka-alerts"),
                new ForecastGraph.NamedSink<>(KafkaIo.deadLetterSink(servers, config.get(JobOptions.TOPIC_DEAD_LETTERS),
                        prefix, timeout, producers), "kafka dead letters", "kafka-dead-letters"),
                async ? new ForecastGraph.NamedSink<>(KafkaIo.modelUpdateSink(servers,
                        config.get(JobOptions.TOPIC_MODEL_UPDATES), prefix, timeout, producers),
                        "kafka model updates", "kafka-model-updates-sink") : null,
                async ? new ForecastGraph.NamedSink<>(KafkaIo.modelUpdateDeadLetterSink(servers,
                        config.get(JobOptions.TOPIC_MODEL_UPDATES_DLQ), prefix, timeout, producers),
                        "kafka model-update dead letters", "kafka-model-update-dead-letters") : null);
        ForecastGraph.Settings graph = new ForecastGraph.Settings(settings, config.get(JobOptions.INPUT_MAX_RECORD_BYTES),
                async ? config.publishing() : null, config.modelSigner(), config.get(JobOptions.JOB_NAME),
                ForecastGraph.ForecasterFactory.STANDARD);
        ForecastGraph.build(raw, updates, graph, sinks);
    }

    /** Configures, builds and submits the job; returns without waiting for it to end. */
    public static JobClient start(StreamExecutionEnvironment env, JobConfig config) throws Exception {
        prepare(env, config);
        return env.executeAsync(config.get(JobOptions.JOB_NAME));
    }

    /** Configures, builds and runs the job until it ends (for flink run and bin/online-lstm run). */
    public static JobExecutionResult run(StreamExecutionEnvironment env, JobConfig config) throws Exception {
        prepare(env, config);
        return env.execute(config.get(JobOptions.JOB_NAME));
    }

    private static void prepare(StreamExecutionEnvironment env, JobConfig config) {
        LOG.info("Starting {} with {}", config.get(JobOptions.JOB_NAME), config.describeForLog());
        configureEnvironment(env, config);
        build(env, config);
    }
}
