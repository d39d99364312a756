package io.onlinelstm.cli;

import io.onlinelstm.demo.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A single Kafka broker (KRaft) on loopback, in the foreground, for the local cluster. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a single-node Kafka broker (KRaft) on 127.0.0.1 until stopped; the local cluster's broker.")
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--dir", required = true, description = "Data folder; kept across restarts.")
    Path dir;

    @Option(names = "--topics", split = ",", defaultValue = "readings,forecasts,readings-dlq,alerts,model-updates-dlq",
            description = "Topics to create with 4 partitions (default: ${DEFAULT-VALUE}); model-updates gets 1.")
    java.util.List<String> topics;

    @Override
    public Integer call() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-stop"));
        try (var admin = kafka.admin()) {
            java.util.Set<String> existing = admin.listTopics().names().get();
            for (String t : topics) {
                if (!existing.contains(t)) {
                    kafka.createTopics(4, t);
                }
            }
            if (!existing.contains("model-updates")) {
                kafka.createTopics(1, "model-updates");
            }
        }
        System.out.println("Kafka broker ready at " + kafka.bootstrapServers());
        stopped.await();
        return 0;
    }
}
