package io.onlinelstm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onlinelstm.bench.StepBenchmark;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks; each prints one JSON line per measurement on standard output. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark; results are JSON lines on standard output.",
        subcommands = {BenchCommand.Step.class, BenchCommand.Memory.class, BenchCommand.Pipeline.class, BenchCommand.Scale.class,
                BenchCommand.Training.class, BenchCommand.Nab.class, BenchCommand.Gpu.class, BenchCommand.Soak.class,
                BenchCommand.State.class, BenchLatencyCommand.class})
final class BenchCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The device of --model.device. */
    static io.onlinelstm.model.ComputeDevice device(io.onlinelstm.job.JobConfig job) {
        return io.onlinelstm.model.ComputeDevice.parse(job.get(io.onlinelstm.job.JobOptions.MODEL_DEVICE));
    }

    static void print(Map<String, Object> result) {
        try {
            System.out.println(JSON.writeValueAsString(result));
            System.out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Command(name = "step", mixinStandardHelpOptions = true,
            description = "Batched LSTM step at several batch sizes, then one training step size.")
    static final class Step implements Callable<Integer> {

        @Mixin
        JobOptionArgs jobOptions;

        @Option(names = "--batches", split = ",", defaultValue = "1,16,256,1024",
                description = "Batch sizes to measure (default: ${DEFAULT-VALUE}).")
        List<Integer> batches;

        @Option(names = "--seconds", defaultValue = "5",
                description = "Measured seconds per batch size (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--warmup-seconds", defaultValue = "2",
                description = "Unmeasured seconds before each measurement (default: ${DEFAULT-VALUE}).")
        double warmup;

        @Option(names = "--train-batch", defaultValue = "64",
                description = "Windows per training step (default: ${DEFAULT-VALUE}; 0 skips training).")
        int trainBatch;

        @Option(names = "--train-window", defaultValue = "32",
                description = "Steps per training window (default: ${DEFAULT-VALUE}).")
        int trainWindow;

        @Override
        public Integer call() {
            OptionChecks.atLeastEach("--batches", batches, 1);
            OptionChecks.positive("--seconds", seconds);
            OptionChecks.notNegative("--warmup-seconds", warmup);
            OptionChecks.atLeast("--train-batch", trainBatch, 0);
            OptionChecks.atLeast("--train-window", trainWindow, 1);
            io.onlinelstm.job.JobConfig job = jobOptions.config();
            StepBenchmark bench = new StepBenchmark(job.model(), device(job));
            for (int batch : batches) {
                print(bench.step(batch, warmup, seconds));
            }
            if (trainBatch > 0) {
                print(bench.train(trainBatch, trainWindow, warmup, seconds));
            }
            return 0;
        }
    }

    @Command(name = "memory", mixinStandardHelpOptions = true,
            description = "Resident memory over many batched steps (checks that native memory stays flat).")
    static final class Memory implements Callable<Integer> {

        @Mixin
        JobOptionArgs jobOptions;

        @Option(names = "--batch", defaultValue = "256", description = "Series per step (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--steps", defaultValue = "1000000", description = "Steps to run (default: ${DEFAULT-VALUE}).")
        long steps;

        @Option(names = "--report-every", defaultValue = "100000",
                description = "Steps between memory reports (default: ${DEFAULT-VALUE}).")
        long reportEvery;

        @Override
        public Integer call() {
            OptionChecks.atLeast("--batch", batch, 1);
            OptionChecks.atLeast("--steps", steps, 1);
            OptionChecks.atLeast("--report-every", reportEvery, 1);
            io.onlinelstm.job.JobConfig job = jobOptions.config();
            new StepBenchmark(job.model(), device(job)).memory(batch, steps, reportEvery, BenchCommand::print);
            return 0;
        }
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = "Generator -> keyBy -> forecaster -> discarding sink on a local Flink: events/s and latency by"
                    + " bundle size, the same with a no-op step, then latency at half the bundle-256 rate.")
    static final class Pipeline implements Callable<Integer> {

        @Mixin
        JobOptionArgs jobOptions;

        @Option(names = "--keys", defaultValue = "10000", description = "Distinct series (default: ${DEFAULT-VALUE}).")
        int keys;

        @Option(names = "--bundles", split = ",", defaultValue = "1,64,256,1024",
                description = "Bundle sizes (default: ${DEFAULT-VALUE}).")
        List<Integer> bundles;

        @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(names = "--events-per-run", defaultValue = "2000000",
                description = "Events per run with a batched step; bundle 1 runs a fiftieth of it, the no-op step"
                        + " ten times it (default: ${DEFAULT-VALUE}).")
        long events;

        @Option(names = "--half-load-seconds", defaultValue = "20",
                description = "Length of the half-load latency run (default: ${DEFAULT-VALUE}).")
        int halfLoadSeconds;

        @Option(names = "--latency-rate", defaultValue = "0",
                description = "Rate of the latency run; 0 takes half the measured bundle-256 rate (default: ${DEFAULT-VALUE}).")
        double latencyRate;

        @Option(names = "--state-backend", defaultValue = "hashmap",
                description = "Keyed state backend: hashmap, rocksdb or forst (default: ${DEFAULT-VALUE}).")
        String stateBackend;

        @Option(names = "--throughput-only", description = "Only the runs by bundle size: no no-op and no half-load run.")
        boolean throughputOnly;

        @Override
        public Integer call() throws Exception {
            OptionChecks.oneOf("--state-backend", stateBackend, List.of("hashmap", "rocksdb", "forst"));
            OptionChecks.atLeast("--keys", keys, 1);
            OptionChecks.atLeastEach("--bundles", bundles, 1);
            OptionChecks.atLeast("--parallelism", parallelism, 1);
            OptionChecks.atLeast("--events-per-run", events, 1);
            OptionChecks.atLeast("--half-load-seconds", halfLoadSeconds, 1);
            OptionChecks.notNegative("--latency-rate", latencyRate);
            io.onlinelstm.job.JobConfig job = jobOptions.config();
            // The job's own --state.backend, when given, is the same choice as --state-backend.
            String backend = job.get(io.onlinelstm.job.JobOptions.STATE_BACKEND).isBlank()
                    ? stateBackend : job.get(io.onlinelstm.job.JobOptions.STATE_BACKEND);
            io.onlinelstm.bench.PipelineBenchmark bench =
                    new io.onlinelstm.bench.PipelineBenchmark(job.model(), keys, parallelism, backend);
            java.time.Duration wait = java.time.Duration.ofMillis(10);
            double rate256 = Double.NaN;
            for (int bundle : bundles) {
                long n = bundle == 1 ? Math.max(keys, events / 50) : events;
                Map<String, Object> r = bench.run(bundle, wait, false, n, 0);
                print(r);
                if (bundle == 256) {
                    rate256 = ((Number) r.get("events_per_s")).doubleValue();
                }
            }
            if (throughputOnly) {
                return 0;
            }
            if (latencyRate <= 0) {
                print(bench.run(256, wait, true, events * 10, 0));
            }
            if (latencyRate > 0 || !Double.isNaN(rate256)) {
                double half = latencyRate > 0 ? latencyRate : rate256 / 2;
                print(bench.run(256, wait, false, (long) (half * halfLoadSeconds), half));
            }
            return 0;
        }
    }

    @Command(name = "training", mixinStandardHelpOptions = true,
            description = "Windows/s the learner trains; forecast throughput with the async trainer beside the"
                    + " forecasters (updates through a real Kafka broker) against training off; staleness of each version.")
    static final class Training implements Callable<Integer> {

        @Mixin
        JobOptionArgs jobOptions;

        @Option(names = "--keys", defaultValue = "10000", description = "Distinct series (default: ${DEFAULT-VALUE}).")
        int keys;

        @Option(names = "--parallelism", defaultValue = "2", description = "Forecaster parallelism (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(names = "--window", defaultValue = "32", description = "Training window length (default: ${DEFAULT-VALUE}).")
        int window;

        @Option(names = "--events", defaultValue = "6000000", description = "Events per pipeline run (default: ${DEFAULT-VALUE}).")
        long events;

        @Option(names = "--learner-seconds", defaultValue = "10", description = "Length of the learner-only run (default: ${DEFAULT-VALUE}).")
        double learnerSeconds;

        @Option(names = "--repeats", defaultValue = "2",
                description = "Pipeline runs with training off and on, interleaved, to average out noise (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Override
        public Integer call() throws Exception {
            OptionChecks.atLeast("--keys", keys, 1);
            OptionChecks.atLeast("--parallelism", parallelism, 1);
            OptionChecks.atLeast("--window", window, 1);
            OptionChecks.atLeast("--events", events, 1);
            OptionChecks.positive("--learner-seconds", learnerSeconds);
            OptionChecks.atLeast("--repeats", repeats, 1);
            io.onlinelstm.job.JobConfig job = jobOptions.config();
            io.onlinelstm.bench.TrainingBenchmark bench =
                    new io.onlinelstm.bench.TrainingBenchmark(job.model(), job.training(), keys, parallelism);
            print(bench.learnerRate(window, learnerSeconds));
            double off = 0;
            double on = 0;
            for (int i = 0; i < repeats; i++) {
                Map<String, Object> a = bench.pipeline(false, window, events);
                print(a);
                Map<String, Object> b = bench.pipeline(true, window, events);
                print(b);
                off += ((Number) a.get("events_per_s")).doubleValue();
                on += ((Number) b.get("events_per_s")).doubleValue();
            }
            Map<String, Object> summary = new java.util.LinkedHashMap<>();
            summary.put("bench", "training");
            summary.put("part", "summary");
            summary.put("events_per_s_off", Math.round(off / repeats));
            summary.put("events_per_s_async", Math.round(on / repeats));
            summary.put("drop_percent", Math.round(1000 * (1 - on / off)) / 10.0);
            print(summary);
            return 0;
        }
    }

    @Command(name = "nab", mixinStandardHelpOptions = true,
            description = "Replay every file of a NAB-style folder (data/<category>/<file>.csv and labelled windows),"
                    + " write NAB result files and print the NAB scores (standard, low_fp, low_fn) as one JSON line.")
    static final class Nab implements Callable<Integer> {

        @picocli.CommandLine.Parameters(index = "0", paramLabel = "FOLDER",
                description = "The NAB-style folder: a NAB checkout, or one laid out as ../shared/data/nab-dev.")
        java.nio.file.Path folder;

        @Option(names = "--windows", paramLabel = "FILE",
                description = "Labelled windows in NAB's combined_windows.json format (default: FOLDER/windows.json,"
                        + " else FOLDER/labels/combined_windows.json).")
        java.nio.file.Path windows;

        @Option(names = "--out", defaultValue = "target/nab", description = "Where results go (default: ${DEFAULT-VALUE}).")
        java.nio.file.Path out;

        @Mixin
        JobOptionArgs jobOptions;

        @Override
        public Integer call() throws Exception {
            io.onlinelstm.job.JobConfig job = jobOptions.config();
            print(io.onlinelstm.bench.NabBenchmark.run(folder, io.onlinelstm.bench.NabBenchmark.windowsFile(folder, windows),
                    job, job.get(io.onlinelstm.job.JobOptions.ANOMALY_THRESHOLD), out, System.err));
            return 0;
        }
    }

    @Command(name = "gpu", mixinStandardHelpOptions = true,
            description = "On a machine with a GPU: the step on the GPU, its parity with the CPU to 1e-4 over 50 steps,"
                    + " and step throughput by batch size on the GPU. Exits 1 when parity fails.")
    static final class Gpu implements Callable<Integer> {

        @Mixin
        JobOptionArgs jobOptions;

        @Option(names = "--batches", split = ",", defaultValue = "1,16,256,1024,4096",
                description = "Batch sizes to measure (default: ${DEFAULT-VALUE}).")
        List<Integer> batches;

        @Option(names = "--seconds", defaultValue = "3", description = "Measured seconds per batch size (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Override
        public Integer call() {
            OptionChecks.atLeastEach("--batches", batches, 1);
            OptionChecks.positive("--seconds", seconds);
            io.onlinelstm.job.JobConfig job = jobOptions.config();
            io.onlinelstm.model.ComputeDevice gpu = device(job).isAuto() ? io.onlinelstm.model.ComputeDevice.gpu(0) : device(job);
            Map<String, Object> parity = io.onlinelstm.bench.GpuCheck.parity(job.model(), gpu, 64, 50);
            print(parity);
            io.onlinelstm.bench.StepBenchmark bench = new io.onlinelstm.bench.StepBenchmark(job.model(), gpu);
            for (int batch : batches) {
                print(bench.step(batch, 1, seconds));
            }
            return Boolean.TRUE.equals(parity.get("ok")) ? 0 : 1;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = "The job on the local cluster of real processes (deploy/local/cluster.sh) at a steady rate"
                    + " for a long while: TaskManager memory (resident, heap, direct) and checkpoint durations over time.")
    static final class Soak implements Callable<Integer> {

        @Option(names = "--minutes", defaultValue = "10", description = "Length of the soak (default: ${DEFAULT-VALUE}).")
        double minutes;

        @Option(names = "--rate", defaultValue = "20000", description = "Readings per second (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--series", defaultValue = "10000", description = "Distinct series (default: ${DEFAULT-VALUE}).")
        int series;

        @Option(names = "--sample-seconds", defaultValue = "10", description = "Seconds between samples (default: ${DEFAULT-VALUE}).")
        int sampleSeconds;

        @Option(names = "--warmup-minutes", defaultValue = "2",
                description = "Minutes left out of the trends: JIT, heap sizing, first checkpoints (default: ${DEFAULT-VALUE}).")
        double warmupMinutes;

        @Option(names = "--kafka-port", defaultValue = "19192", description = "Port of the soak cluster's broker (default: ${DEFAULT-VALUE}).")
        int kafkaPort;

        @Option(names = "--out", defaultValue = "target/soak", description = "Where samples and the cluster go (default: ${DEFAULT-VALUE}).")
        java.nio.file.Path out;

        @Mixin
        JobOptionArgs jobOptions;

        @Override
        public Integer call() throws Exception {
            OptionChecks.positive("--minutes", minutes);
            OptionChecks.positive("--rate", rate);
            OptionChecks.atLeast("--series", series, 1);
            OptionChecks.atLeast("--sample-seconds", sampleSeconds, 1);
            OptionChecks.notNegative("--warmup-minutes", warmupMinutes);
            OptionChecks.between("--kafka-port", kafkaPort, 1, 65_535);
            jobOptions.config();
            java.nio.file.Path root = java.nio.file.Path.of(System.getProperty("online-lstm.home", ".")).toAbsolutePath();
            java.nio.file.Path state = out.toAbsolutePath().resolve("cluster-" + System.currentTimeMillis());
            // Both TaskManagers' slots hold forecasters unless told otherwise.
            java.util.List<String> options = new java.util.ArrayList<>(java.util.List.of("--job.parallelism", "2"));
            jobOptions.values().forEach((k, v) -> options.addAll(java.util.List.of("--" + k, v)));
            io.onlinelstm.bench.SoakBenchmark.Result result = new io.onlinelstm.bench.SoakBenchmark(
                    new io.onlinelstm.bench.SoakBenchmark.Settings(root, state, kafkaPort, 2,
                            java.time.Duration.ofMillis(Math.round(minutes * 60_000)), java.time.Duration.ofSeconds(sampleSeconds),
                            rate, series, options)).run(System.err);
            io.onlinelstm.bench.SoakBenchmark.writeCsv(result, out);
            java.util.List<String> summary = io.onlinelstm.bench.SoakSummary.lines(result, Math.round(warmupMinutes * 60));
            java.nio.file.Files.write(out.resolve("summary.txt"), summary);
            summary.forEach(System.out::println);
            System.out.println("Samples: " + out.resolve("memory.csv") + ", " + out.resolve("checkpoints.csv"));
            // A generator that fell behind (or died) would make a quiet soak look healthy.
            boolean rateReached = result.readingsSent() >= 0.9 * rate * minutes * 60;
            if (!rateReached) {
                System.out.printf(java.util.Locale.ROOT, "the generator sent %,d readings, under 90 %% of %,.0f: the rate was not reached%n",
                        result.readingsSent(), rate * minutes * 60);
            }
            boolean healthy = rateReached && result.restarts() == 0 && result.failedCheckpoints() == 0
                    && result.forecastsCommitted() == result.readingsSent();
            return healthy ? 0 : 1;
        }
    }

    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "The job on the local cluster of processes (parallelism 2, exactly-once checkpoints every 10 s)"
                    + " for each series count and state backend: events/s at full speed once every series has state;"
                    + " checkpoint durations and sizes and TaskManager memory trend at a fixed rate; the time from a"
                    + " TaskManager SIGKILL to forecasting again. One JSON line per run.")
    static final class Scale implements Callable<Integer> {

        @Option(names = "--series", split = ",", defaultValue = "10000,100000,1000000",
                description = "Series counts (default: ${DEFAULT-VALUE}); 10000000 on rocksdb needs about 100 GB of disk under"
                        + " --out: a run larger than the free disk is refused before it starts.")
        List<Integer> series;

        @Option(names = "--backends", split = ",", defaultValue = "hashmap,rocksdb",
                description = "State backends, each run at every series count (default: ${DEFAULT-VALUE}).")
        List<String> backends;

        @Option(names = "--backlog", defaultValue = "2000000",
                description = "Readings of the full-speed phase after every series' first (default: ${DEFAULT-VALUE}).")
        long backlog;

        @Option(names = "--rate", defaultValue = "20000", description = "Readings per second of the fixed-rate phase (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--fixed-rate-minutes", defaultValue = "3", description = "Length of the fixed-rate phase (default: ${DEFAULT-VALUE}).")
        double fixedRateMinutes;

        @Option(names = "--warmup-minutes", defaultValue = "1",
                description = "Minutes of the fixed-rate phase left out of the memory trend (default: ${DEFAULT-VALUE}).")
        double warmupMinutes;

        @Option(names = "--kafka-port", defaultValue = "19292", description = "Port of the cluster's broker (default: ${DEFAULT-VALUE}).")
        int kafkaPort;

        @Option(names = "--out", defaultValue = "target/scale", description = "Where the runs' clusters and results go (default: ${DEFAULT-VALUE}).")
        java.nio.file.Path out;

        @Mixin
        JobOptionArgs jobOptions;

        @Override
        public Integer call() throws Exception {
            for (String backend : backends) {
                OptionChecks.oneOf("--backends", backend, List.of("hashmap", "rocksdb"));
            }
            OptionChecks.atLeastEach("--series", series, 1);
            OptionChecks.atLeast("--backlog", backlog, 0);
            OptionChecks.positive("--rate", rate);
            OptionChecks.positive("--fixed-rate-minutes", fixedRateMinutes);
            OptionChecks.notNegative("--warmup-minutes", warmupMinutes);
            OptionChecks.between("--kafka-port", kafkaPort, 1, 65_535);
            jobOptions.config();
            java.nio.file.Path root = java.nio.file.Path.of(System.getProperty("online-lstm.home", ".")).toAbsolutePath();
            java.util.List<String> options = new java.util.ArrayList<>();
            jobOptions.values().forEach((k, v) -> options.addAll(java.util.List.of("--" + k, v)));
            java.nio.file.Files.createDirectories(out);
            checkDisk();
            java.nio.file.Path results = out.toAbsolutePath().resolve("scale.jsonl");
            boolean healthy = true;
            for (int count : series) {
                for (String backend : backends) {
                    java.nio.file.Path state = out.toAbsolutePath().resolve(backend + "-" + count + "-" + System.currentTimeMillis());
                    java.util.Map<String, Object> json;
                    try {
                        io.onlinelstm.bench.ScaleBenchmark.Result result = new io.onlinelstm.bench.ScaleBenchmark(
                                new io.onlinelstm.bench.ScaleBenchmark.Settings(root, state, kafkaPort, backend, count, backlog, rate,
                                        java.time.Duration.ofMillis(Math.round(fixedRateMinutes * 60_000)),
                                        java.time.Duration.ofMillis(Math.round(warmupMinutes * 60_000)), options)).run(System.err);
                        json = result.json();
                        result.checkpointFailures().forEach(f -> System.out.println("failed checkpoint " + f));
                        healthy &= result.failedCheckpoints() == 0 && result.recoveryMillis() > 0;
                    } catch (java.io.IOException e) {
                        // One run that cannot finish (the heap backend out of memory at a large count)
                        // is a result too: say so in its line and go on with the other runs.
                        json = io.onlinelstm.bench.ScaleBenchmark.failedRun(backend, count,
                                e.getMessage() == null ? e.toString() : e.getMessage());
                        healthy = false;
                    }
                    String line = JSON.writeValueAsString(json);
                    System.out.println(line);
                    java.nio.file.Files.writeString(results, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                }
            }
            return healthy ? 0 : 1;
        }

        /** Runs go one at a time and each deletes its files, so the largest run decides. */
        private void checkDisk() throws java.io.IOException {
            long usable = java.nio.file.Files.getFileStore(out).getUsableSpace();
            // Every reading a run sends: first readings, backlog, the fixed rate, the recovery phase at most.
            long atRate = Math.round(rate * (fixedRateMinutes * 60 + io.onlinelstm.bench.ScaleBenchmark.RECOVERY_LIMIT.toSeconds()));
            for (int count : series) {
                for (String backend : backends) {
                    String shortfall = io.onlinelstm.bench.ScaleDiskEstimate.shortfall(backend, count,
                            count + backlog + atRate, usable, out.toAbsolutePath().toString());
                    if (shortfall != null) {
                        throw new InvalidOptionException(shortfall);
                    }
                }
            }
        }
    }

    @Command(name = "state", mixinStandardHelpOptions = true,
            description = "Bytes of one series' state in a checkpoint, by part, with the job's defaults"
                    + " (or the job options given), once every part has its full size.")
    static final class State implements Callable<Integer> {

        @Mixin
        JobOptionArgs jobOptions;

        @Option(names = "--readings", defaultValue = "2000",
                description = "Readings of the series before measuring (default: ${DEFAULT-VALUE}).")
        int readings;

        @Override
        public Integer call() throws Exception {
            OptionChecks.atLeast("--readings", readings, 1);
            io.onlinelstm.job.JobConfig config = jobOptions.config();
            Map<String, Integer> parts = io.onlinelstm.operator.StateFootprint.ofOneSeries(config.forecaster(), readings);
            Map<String, Object> r = new java.util.LinkedHashMap<>();
            r.put("bench", "state");
            r.put("hidden", config.model().hiddenSize());
            r.put("layers", config.model().layers());
            r.put("window", config.forecaster().window());
            r.put("bytes_by_part", parts);
            r.put("bytes_per_series", parts.values().stream().mapToInt(Integer::intValue).sum());
            print(r);
            return 0;
        }
    }
}
