package io.onlinelstm.cli;

import io.onlinelstm.demo.DemoGenerator;
import io.onlinelstm.io.KafkaReachability;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The demo's generator against any Kafka cluster (docker-compose runs it as a service). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write synthetic sensor readings (daily and weekly cycles, noise, level shifts, spikes, a few bad"
                + " records) to a Kafka topic at a steady rate until stopped.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--kafka", defaultValue = "localhost:9092", description = "Bootstrap servers (default: ${DEFAULT-VALUE}).")
    String servers;

    @Option(names = "--topic", defaultValue = "readings", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--series", defaultValue = "1000", description = "Series (default: ${DEFAULT-VALUE}).")
    int series;

    @Option(names = "--rate", defaultValue = "5000", description = "Readings per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--bad-rate", defaultValue = "0.001", description = "Share of bad records (default: ${DEFAULT-VALUE}).")
    double badRate;

    @Override
    public Integer call() {
        OptionChecks.atLeast("--series", series, 1);
        OptionChecks.positive("--rate", rate);
        OptionChecks.fraction("--bad-rate", badRate);
        // Producers block silently on an unreachable broker or a missing topic: check first, and say so.
        KafkaReachability.check(new KafkaReachability.Check(servers, "--kafka", new Properties(), List.of(),
                List.of(topic), KafkaReachability.DEFAULT_TIMEOUT));
        DemoGenerator generator = new DemoGenerator(servers, topic, series, rate, badRate);
        System.out.printf("Writing %,d series at %,.0f readings/s to topic %s at %s (Ctrl-C stops)%n", series, rate, topic, servers);
        Runtime.getRuntime().addShutdownHook(new Thread(generator::stop, "generator-stop"));
        generator.run();
        return 0;
    }
}
