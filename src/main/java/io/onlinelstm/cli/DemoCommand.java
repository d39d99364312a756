package io.onlinelstm.cli;

import io.onlinelstm.demo.DemoRunner;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The one-command demo. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a Kafka broker, a generator of many series and the forecasting job on a local Flink with"
                + " its Web UI; print a status line every few seconds. Ctrl-C stops it cleanly.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--series", defaultValue = "1000", description = "Series to generate (default: ${DEFAULT-VALUE}).")
    int series;

    @Option(names = "--rate", defaultValue = "5000", description = "Readings per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--bad-rate", defaultValue = "0.001",
            description = "Share of deliberately bad records, to show the dead-letter topic (default: ${DEFAULT-VALUE}).")
    double badRate;

    @Option(names = "--duration", defaultValue = "0",
            description = "Stop after this long, e.g. 60s or 5min; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--status-every", defaultValue = "5s", description = "Time between status lines (default: ${DEFAULT-VALUE}).")
    String statusEvery;

    @Option(names = "--web-ui-port", defaultValue = "0",
            description = "Port of the Flink Web UI; 0 takes 8081 if free, else any free port (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of the job (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Mixin
    JobOptionArgs jobOptions;

    @Override
    public Integer call() throws Exception {
        // Everything is checked before the broker starts: a typo must not cost a Kafka and a Flink start-up.
        OptionChecks.atLeast("--series", series, 1);
        OptionChecks.positive("--rate", rate);
        OptionChecks.fraction("--bad-rate", badRate);
        Duration d = OptionChecks.duration("--duration", duration, Duration.ZERO);
        Duration every = OptionChecks.duration("--status-every", statusEvery, Duration.ofMillis(100));
        OptionChecks.between("--web-ui-port", webUiPort, 0, 65_535);
        OptionChecks.atLeast("--parallelism", parallelism, 1);
        jobOptions.config();
        DemoRunner.run(new DemoRunner.Settings(series, rate, badRate, d, every,
                webUiPort, parallelism, jobOptions.values()), System.out);
        return 0;
    }
}
