package io.onlinelstm.cli;

import io.onlinelstm.io.KafkaReachability;
import io.onlinelstm.job.JobConfig;
import io.onlinelstm.job.JobOptions;
import io.onlinelstm.job.StopOnSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the forecasting job on a local Flink (the same job flink run starts on a cluster). */
@Command(name = "run",
        description = "Run the forecasting job against a Kafka cluster on a local Flink (flink run of the jar starts"
                + " the same job on a cluster).")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Mixin
    JobOptionArgs jobOptions;

    @Option(names = "--status-every", defaultValue = "5s", description = "Time between status lines (default: ${DEFAULT-VALUE}).")
    String statusEvery;

    @Option(names = "--web-ui-port", defaultValue = "0",
            description = "Port of the Flink Web UI; 0 takes 8081 if free, else any free port (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Override
    public Integer call() throws Exception {
        JobConfig config = jobOptions.config();
        if (config.get(io.onlinelstm.job.JobOptions.CHECKPOINT_STORAGE).isBlank()) {
            // A local Flink keeps checkpoints in the JobManager's memory, limited to 5 MB: far too
            // little for many series, and lost on exit. Keep them on disk instead.
            java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("user.home"), ".cache", "online-lstm", "checkpoints");
            config = config.with(java.util.Map.of(io.onlinelstm.job.JobOptions.CHECKPOINT_STORAGE.key(), dir.toUri().toString()));
        }
        Duration every = OptionChecks.duration("--status-every", statusEvery, Duration.ofMillis(100));
        OptionChecks.between("--web-ui-port", webUiPort, 0, 65535);
        System.out.printf("Checking Kafka at %s ...%n", config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS));
        KafkaReachability.check(kafkaCheck(config));
        try (StopOnSignal signal = new StopOnSignal("run", Duration.ofSeconds(60))) {
            LocalRun.run(config, webUiPort, every, System.out, signal);
        }
        return 0;
    }

    /** The job reads its input (and, training async, model-updates) topics, and writes the rest. */
    static KafkaReachability.Check kafkaCheck(JobConfig config) {
        List<String> read = new ArrayList<>(List.of(config.get(JobOptions.TOPIC_READINGS)));
        List<String> written = new ArrayList<>(List.of(config.get(JobOptions.TOPIC_FORECASTS),
                config.get(JobOptions.TOPIC_DEAD_LETTERS), config.get(JobOptions.TOPIC_ALERTS)));
        if (config.trainingMode().equals("async")) {
            read.add(config.get(JobOptions.TOPIC_MODEL_UPDATES));
            written.add(config.get(JobOptions.TOPIC_MODEL_UPDATES_DLQ));
        }
        return new KafkaReachability.Check(config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS),
                "--" + JobOptions.KAFKA_BOOTSTRAP_SERVERS.key(), config.kafkaProperties(), read, written,
                KafkaReachability.DEFAULT_TIMEOUT);
    }

    /** The footer lists the job options from their one definition. */
    static String footer() {
        return JobConfig.helpText();
    }
}
