package io.onlinelstm.cli;

import io.onlinelstm.demo.DemoRunner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
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

    @Option(names = "--status-every", defaultValue = "5s", description = "Seconds between status lines (default: ${DEFAULT-VALUE}).")
    String statusEvery;

    @Option(names = "--web-ui-port", defaultValue = "0",
            description = "Port of the Flink Web UI; 0 takes 8081 if free, else any free port (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of the job (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--job-option", paramLabel = "NAME=VALUE",
            description = "Any option of the forecasting job (see 'run --help'), e.g. --job-option model.hidden-size=32.")
    Map<String, String> jobOptions = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Duration d = "0".equals(duration.trim()) ? Duration.ZERO : TimeUtils.parseDuration(duration);
        DemoRunner.run(new DemoRunner.Settings(series, rate, badRate, d, TimeUtils.parseDuration(statusEvery),
                webUiPort, parallelism, jobOptions), System.out);
        return 0;
    }
}
