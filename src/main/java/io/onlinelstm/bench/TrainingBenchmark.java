package io.onlinelstm.bench;

import io.onlinelstm.demo.EmbeddedKafka;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.io.KafkaIo;
import io.onlinelstm.io.Reading;
import io.onlinelstm.job.ForecastGraph;
import io.onlinelstm.io.RawReading;
import io.onlinelstm.training.PublishSettings;
import io.onlinelstm.job.JobOptions;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.operator.ForecasterSettings;
import io.onlinelstm.operator.OutOfOrderPolicy;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.training.OnlineLearner;
import io.onlinelstm.training.TrainingSettings;
import io.onlinelstm.training.TrainingWindow;
import io.onlinelstm.training.VersionedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What training costs: how many windows per second the learner trains, and the forecasters'
 * throughput with the async trainer running beside them on the same TaskManager (model updates
 * through a real Kafka broker) against training off, with the staleness of each version from its
 * newest window's arrival to the first forecast it made.
 */
public final class TrainingBenchmark {

    private final LstmConfig model;
    private final TrainingSettings training;
    private final int keys;
    private final int parallelism;

    public TrainingBenchmark(LstmConfig model, TrainingSettings training, int keys, int parallelism) {
        this.model = model;
        this.training = training;
        this.keys = keys;
        this.parallelism = parallelism;
    }

    /** Rounds of the learner alone on random windows. */
    public Map<String, Object> learnerRate(int window, double seconds) {
        Random random = new Random(1);
        try (OnlineLearner learner = new OnlineLearner(WeightInitializer.initialize(model), 0, ComputeDevice.CPU, training)) {
            for (int i = 0; i < training.bufferCapacity(); i++) {
                float[] x = new float[window * model.features()];
                float[] y = new float[window * model.horizon()];
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) random.nextGaussian();
                }
                for (int j = 0; j < y.length; j++) {
                    y[j] = (float) random.nextGaussian();
                }
                learner.offer(new TrainingWindow("k" + i, x, y, i, 0));
            }
            learner.trainRound(-1);
            long start = System.nanoTime();
            int rounds = 0;
            while (System.nanoTime() - start < seconds * 1e9) {
                learner.trainRound(-1);
                rounds++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "training");
            r.put("part", "learner");
            r.put("hidden", model.hiddenSize());
            r.put("layers", model.layers());
            r.put("window", window);
            r.put("batch", training.batchSize());
            r.put("steps_per_round", training.stepsPerRound());
            r.put("ms_per_round", Math.round(elapsed * 1e3 / rounds));
            r.put("windows_per_s", Math.round(rounds * (double) training.stepsPerRound() * training.batchSize() / elapsed));
            return r;
        }
    }

    /** Forecasting at full speed with the async trainer beside it, or with training off. */
    public Map<String, Object> pipeline(boolean train, int window, long events) throws Exception {
        Path store = Files.createTempDirectory("online-lstm-bench-models-");
        String run = UUID.randomUUID().toString();
        LatencyRecorder sink = new LatencyRecorder(run, events / 10);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "model-updates");
            Configuration conf = new Configuration();
            conf.set(PipelineOptions.GENERIC_TYPES, false);
            // 10,000 series hold more state than the JobManager's 5 MB in-memory checkpoint limit.
            conf.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    store.resolve("checkpoints").toUri().toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
            env.setBufferTimeout(JobOptions.BUFFER_TIMEOUT.defaultValue().toMillis());
            // The job's default interval: staleness includes the wait for the exactly-once commit.
            env.enableCheckpointing(JobOptions.CHECKPOINT_INTERVAL.defaultValue().toMillis(), CheckpointingMode.EXACTLY_ONCE);
            ForecasterSettings settings = new ForecasterSettings(model, ComputeDevice.CPU, 256, Duration.ofMillis(10),
                    window, OutOfOrderPolicy.ACCEPT, Duration.ZERO)
                    .withInitialModel(VersionedModel.of(0, WeightInitializer.initialize(model)));
            if (train) {
                settings = settings.withTraining(training, false);
            }
            DataStream<RawReading> readings = env.fromSource(new DataGeneratorSource<>(
                            new PipelineBenchmark.Readings(keys, 0), events, TypeInformation.of(RawReading.class)),
                    WatermarkStrategy.noWatermarks(), "generator").uid("generator");
            DataStream<RawReading> updates = env.fromSource(KafkaIo.modelUpdateSource(kafka.bootstrapServers(),
                            "model-updates", "bench", new Properties()), WatermarkStrategy.noWatermarks(), "updates")
                    .uid("updates").setParallelism(1);
            // The job's own graph; the model-updates topic closes the loop as in production.
            ForecastGraph.build(readings, train ? updates : null,
                    new ForecastGraph.Settings(settings, JobOptions.INPUT_MAX_RECORD_BYTES.defaultValue(),
                            train ? PublishSettings.of(store.toUri().toString()) : null, null, "bench-training",
                            ForecastGraph.ForecasterFactory.STANDARD),
                    new ForecastGraph.Sinks(new ForecastGraph.NamedSink<>(sink, "discard", "discard"), null, null,
                            train ? new ForecastGraph.NamedSink<>(KafkaIo.modelUpdateSink(kafka.bootstrapServers(),
                                    "model-updates", "bench-" + run, Duration.ofMinutes(10), new Properties()),
                                    "updates sink", "updates-sink") : null,
                            null));
            JobClient job = env.executeAsync("bench-training");
            LatencyRecorder.Stats stats = LatencyRecorder.stats(run);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (stats.seen() < events && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            try {
                job.cancel().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                // The run is bounded: it can finish between its last forecast and the cancel, taking its local
                // cluster with it ("MiniCluster is not yet running"). Only a run that fell short is an error.
                if (stats.seen() < events) {
                    throw e;
                }
            }
            List<ModelUpdate> published = train ? readUpdates(kafka.bootstrapServers()) : List.of();
            List<Long> staleness = new ArrayList<>();
            for (ModelUpdate u : published) {
                Long seen = stats.firstSeen().get(u.version);
                if (seen != null) {
                    staleness.add(seen - u.newestWindowAt);
                }
            }
            staleness.sort(Long::compare);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "training");
            r.put("part", "pipeline");
            r.put("training", train ? "async" : "off");
            r.put("keys", keys);
            r.put("parallelism", parallelism);
            r.put("events", events);
            r.put("events_per_s", Math.round(stats.eventsPerSecond()));
            r.put("p99_latency_ms", stats.percentile(0.99));
            r.put("versions_published", published.size());
            r.put("versions_served", staleness.size());
            if (!staleness.isEmpty()) {
                r.put("staleness_p50_ms", staleness.get(staleness.size() / 2));
                r.put("staleness_max_ms", staleness.get(staleness.size() - 1));
            }
            return r;
        } finally {
            LatencyRecorder.forget(run);
            deleteRecursively(store);
        }
    }

    private static List<ModelUpdate> readUpdates(String servers) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("isolation.level", "read_committed");
        List<ModelUpdate> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("model-updates", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(JsonCodec.fromBytes(r.value(), ModelUpdate.class));
                }
            }
        }
        return out;
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary folder; nothing to do
        }
    }
}
