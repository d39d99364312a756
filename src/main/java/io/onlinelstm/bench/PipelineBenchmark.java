package io.onlinelstm.bench;

import io.onlinelstm.demo.SyntheticSeries;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.RawReading;
import io.onlinelstm.job.ForecastGraph;
import io.onlinelstm.job.JobOptions;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.StepBatch;
import io.onlinelstm.operator.BundlingForecastOperator;
import io.onlinelstm.operator.ForecasterSettings;
import io.onlinelstm.operator.OutOfOrderPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Generator source, keyBy, the bundling forecaster, a discarding sink that records latency: the
 * job without Kafka, to measure what the forecaster itself sustains on this machine.
 */
public final class PipelineBenchmark {

    private final LstmConfig model;
    private final int keys;
    private final int parallelism;
    private final String stateBackend;

    public PipelineBenchmark(LstmConfig model, int keys, int parallelism) {
        this(model, keys, parallelism, "hashmap");
    }

    /** @param stateBackend hashmap, rocksdb or forst */
    public PipelineBenchmark(LstmConfig model, int keys, int parallelism, String stateBackend) {
        this.model = model;
        this.keys = keys;
        this.parallelism = parallelism;
        this.stateBackend = stateBackend;
    }

    /**
     * One run as fast as the pipeline goes ({@code rate <= 0}) or at a fixed total rate.
     *
     * @param noOpStep replace the LSTM step with nothing, to measure everything around it
     */
    public Map<String, Object> run(int bundleSize, Duration maxWait, boolean noOpStep, long events, double rate)
            throws Exception {
        String id = UUID.randomUUID().toString();
        LatencyRecorder sink = new LatencyRecorder(id, events / 10);
        try {
            Configuration conf = new Configuration();
            conf.set(PipelineOptions.GENERIC_TYPES, false);
            conf.set(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND, stateBackend);
            if (!stateBackend.equals("hashmap")) {
                diskBackendOptions(conf, stateBackend);
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
            // The job's own default (see job.buffer-timeout), not Flink's 100 ms.
            env.setBufferTimeout(JobOptions.BUFFER_TIMEOUT.defaultValue().toMillis());
            ForecasterSettings settings = new ForecasterSettings(model, ComputeDevice.CPU, bundleSize, maxWait, 32,
                    OutOfOrderPolicy.ACCEPT, Duration.ZERO);
            DataGeneratorSource<RawReading> source = new DataGeneratorSource<>(new Readings(keys, rate), events,
                    TypeInformation.of(RawReading.class));
            ForecastGraph.ForecasterFactory factory = noOpStep
                    ? (s, updates) -> new NoOpStepOperator(s) : ForecastGraph.ForecasterFactory.STANDARD;
            // The job's own graph, parser included; only the sink differs.
            ForecastGraph.build(env.fromSource(source, WatermarkStrategy.noWatermarks(), "generator").uid("generator"),
                    null, new ForecastGraph.Settings(settings, JobOptions.INPUT_MAX_RECORD_BYTES.defaultValue(), null, null,
                            "bench-pipeline", factory),
                    ForecastGraph.Sinks.forecastsOnly(new ForecastGraph.NamedSink<>(sink, "discard", "discard")));
            env.execute("bench-pipeline");
            ProcessCpu end = ProcessCpu.now();
            LatencyRecorder.Stats stats = LatencyRecorder.stats(id);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "pipeline");
            r.put("step", noOpStep ? "no-op" : "lstm");
            r.put("bundle", bundleSize);
            r.put("keys", keys);
            r.put("backend", stateBackend);
            r.put("parallelism", parallelism);
            r.put("hidden", model.hiddenSize());
            r.put("layers", model.layers());
            r.put("target_rate", rate > 0 ? Math.round(rate) : "max");
            r.put("events", events);
            r.put("events_per_s", Math.round(stats.eventsPerSecond()));
            r.put("p50_latency_ms", stats.percentile(0.50));
            r.put("p99_latency_ms", stats.percentile(0.99));
            // The steadier figure to compare builds by on a shared machine: CPU of the whole local
            // cluster (generator included) per event after the warm-up, where events/s moves with the
            // neighbours' load.
            double[] cpu = stats.cpuMicrosPerMeasured(end);
            if (cpu != null) {
                r.put("cpu_us_per_event", Math.round(10 * cpu[0]) / 10.0);
                r.put("cpu_us_per_event_without_jit", Math.round(10 * cpu[1]) / 10.0);
            }
            return r;
        } finally {
            LatencyRecorder.forget(id);
        }
    }

    /**
     * What a TaskManager of flink-conf/config.yaml gives a disk backend: that file's options of the
     * backend (bloom filters, compression...) and the managed memory of one TaskManager (0.4 of its
     * Flink memory, about 1,300 MB), rather than a local environment's small default.
     */
    static void diskBackendOptions(Configuration conf, String backend) {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("online-lstm.home", ".")).resolve("flink-conf");
        if (!java.nio.file.Files.isRegularFile(dir.resolve("config.yaml"))) {
            throw new IllegalStateException("No " + dir.resolve("config.yaml") + ": run the benchmark through bin/online-lstm"
                    + " (which sets -Donline-lstm.home) or from the project folder, so that the " + backend
                    + " backend runs with the project's settings.");
        }
        String prefix = "state.backend." + backend + ".";
        org.apache.flink.configuration.GlobalConfiguration.loadConfiguration(dir.toString()).toMap().forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                conf.setString(key, value);
            }
        });
        conf.set(org.apache.flink.configuration.TaskManagerOptions.MANAGED_MEMORY_SIZE,
                org.apache.flink.configuration.MemorySize.parse("1300m"));
    }

    /**
     * Readings round-robin over the keys, stamped with their generation time, optionally paced to a
     * total rate. Pacing here, evenly per record, rather than with Flink's rate limiter, which hands
     * every record's permit to another thread and makes the arrival pattern bursty.
     */
    static final class Readings implements GeneratorFunction<Long, RawReading> {
        private static final long serialVersionUID = 1L;
        private final int keys;
        private final double totalRate;
        private final SyntheticSeries series = new SyntheticSeries(5);
        private transient double nanosPerRecord;
        private transient long start;
        private transient long emitted;

        Readings(int keys, double totalRate) {
            this.keys = keys;
            this.totalRate = totalRate;
        }

        @Override
        public void open(org.apache.flink.api.connector.source.SourceReaderContext context) {
            nanosPerRecord = totalRate > 0 ? 1e9 * context.currentParallelism() / totalRate : 0;
            start = System.nanoTime();
        }

        @Override
        public RawReading map(Long index) {
            if (nanosPerRecord > 0) {
                long due = start + (long) (++emitted * nanosPerRecord);
                long wait = due - System.nanoTime();
                if (wait > 50_000) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            int s = (int) (index % keys);
            long tick = index / keys;
            // JSON, as a producer writes it: the parser's cost is part of what the job sustains.
            byte[] json = ("{\"key\":\"" + SyntheticSeries.key(s) + "\",\"ts\":" + tick * 60_000L + ",\"value\":"
                    + series.value(s, tick) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return new RawReading(json, "generator", 0, index, System.currentTimeMillis());
        }
    }

    /** The forecaster with the model step taken out. */
    static final class NoOpStepOperator extends BundlingForecastOperator {
        private static final long serialVersionUID = 1L;

        NoOpStepOperator(ForecasterSettings settings) {
            super(settings);
        }

        @Override
        protected void advance(LstmModel model, StepBatch batch) {
            // Measure bundling, state and emission alone.
        }
    }
}
