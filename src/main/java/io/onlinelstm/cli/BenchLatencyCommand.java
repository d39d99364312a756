package io.onlinelstm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.onlinelstm.bench.LatencyBenchmark;
import io.onlinelstm.bench.LatencyPhase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench latency}: the deployed job's sustained rate through Kafka, then produce-to-visible latency. */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "The real job (Kafka source, JSON, forecaster, Kafka sinks) on a local Flink against an embedded"
                + " broker: the highest rate it sustains with exactly-once sinks, then at half of it the latency from a"
                + " reading's send to its forecast's visibility (read_committed) for at-least-once, exactly-once at"
                + " the checkpoint interval, and exactly-once with 1 s checkpoints. One JSON line per trial and phase,"
                + " also appended to OUT/latency.jsonl.")
final class BenchLatencyCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--series", defaultValue = "1000", description = "Distinct series (default: ${DEFAULT-VALUE}).")
    int series;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--search-seconds", defaultValue = "60",
            description = "Length of each search trial (default: ${DEFAULT-VALUE}).")
    double searchSeconds;

    @Option(names = "--start-rate", defaultValue = "40000",
            description = "First rate the search tries, readings/s (default: ${DEFAULT-VALUE}).")
    double startRate;

    @Option(names = "--max-trials", defaultValue = "7", description = "Most search trials (default: ${DEFAULT-VALUE}).")
    int maxTrials;

    @Option(names = "--rate", defaultValue = "0",
            description = "Rate of the latency phases, readings/s; skips the search (default: half the sustained rate).")
    double rate;

    @Option(names = "--warmup-seconds", defaultValue = "15",
            description = "Readings sent before the measured ones in each latency phase, whose forecasts are not timed"
                    + " (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--measure-seconds", defaultValue = "60",
            description = "Measured seconds of each latency phase (default: ${DEFAULT-VALUE}).")
    double measureSeconds;

    @Option(names = "--phases", split = ",", defaultValue = "at-least-once,exactly-once,exactly-once-1s",
            description = "Latency phases to run, in order: at-least-once, exactly-once (the checkpoint interval of the"
                    + " job options), exactly-once-1s (default: ${DEFAULT-VALUE}). One phase alone repeats cheaply:"
                    + " docs/benchmarks.md runs at-least-once ten times.")
    List<String> phases;

    @Option(names = "--broker-dir", defaultValue = "auto",
            description = "Folder under which the embedded broker keeps its log: auto (the default) takes /dev/shm, in"
                    + " memory, when it has " + BrokerFolder.MIN_FREE_GB + " GB free, else the system's temporary"
                    + " directory. The broker shares the job's cores; on a disk its writes stalled this machine for"
                    + " seconds at a time (docs/benchmarks.md).")
    String brokerDir;

    /** Job options for every run; the phases set kafka.delivery-guarantee, and the last one checkpoint.interval, over them. */
    @Mixin
    JobOptionArgs jobOptions;

    @Option(names = "--out", defaultValue = "target/latency",
            description = "Folder of latency.jsonl (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast("--series", series, 1);
        OptionChecks.atLeast("--parallelism", parallelism, 1);
        OptionChecks.positive("--search-seconds", searchSeconds);
        OptionChecks.positive("--start-rate", startRate);
        OptionChecks.atLeast("--max-trials", maxTrials, 1);
        OptionChecks.notNegative("--rate", rate);
        OptionChecks.notNegative("--warmup-seconds", warmupSeconds);
        OptionChecks.positive("--measure-seconds", measureSeconds);
        for (String phase : phases) {
            OptionChecks.oneOf("--phases", phase, LatencyPhase.optionNames());
        }
        jobOptions.config(); // every value and their combinations checked before a broker starts
        Map<String, String> options = jobOptions.values();
        Files.createDirectories(out);
        Path results = out.resolve("latency.jsonl");
        LatencyBenchmark.Settings settings = new LatencyBenchmark.Settings(series, parallelism, seconds(searchSeconds),
                seconds(warmupSeconds), seconds(measureSeconds), rate, startRate, maxTrials, options,
                phases.stream().map(LatencyPhase::byOptionName).toList(), BrokerFolder.choose(brokerDir));
        List<Map<String, Object>> lines = new LatencyBenchmark(settings).run(line -> {
            try {
                String json = JSON.writeValueAsString(line);
                System.out.println(json);
                System.out.flush();
                Files.writeString(results, json + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // A phase that lost forecasts is a broken run, whatever its latencies.
        boolean complete = lines.stream().filter(l -> "measure".equals(l.get("phase")))
                .allMatch(l -> ((Number) l.get("missing")).longValue() == 0 && ((Number) l.get("forecasts")).longValue() > 0);
        return complete ? 0 : 1;
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
