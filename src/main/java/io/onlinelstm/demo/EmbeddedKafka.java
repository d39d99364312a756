package io.onlinelstm.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one), in this JVM, on
 * free loopback ports, with its data in a temporary folder removed on {@link #close()}. For the
 * demo and the tests; production uses a real cluster.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Brokers' ceiling on transaction timeouts; the sinks' transaction.timeout.ms must stay under it. */
    public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofHours(1);

    /** The broker's folder when it is temporary; null when it is kept. */
    private final TemporaryFolder dataDir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(TemporaryFolder dataDir, KafkaRaftServer server, String bootstrapServers) {
        this.dataDir = dataDir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats storage in a temporary folder, starts the broker on free ports and waits until it answers. */
    public static EmbeddedKafka start() {
        return startUnder(TemporaryFolder.systemTemp());
    }

    /** As {@link #start()}, with the data in a temporary folder under {@code parent}, removed on close. */
    public static EmbeddedKafka startUnder(Path parent) {
        TemporaryFolder dir;
        try {
            dir = TemporaryFolder.create(parent, "online-lstm-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a folder for the embedded Kafka broker under " + parent
                    + ": " + e.getMessage(), e);
        }
        try {
            return start(dir.path(), 0, dir);
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /**
     * Starts a broker on {@code port} (0: any free port) with its data in {@code dir}, kept on close
     * so that a restarted broker finds its topics again.
     */
    public static EmbeddedKafka start(Path dir, int port) {
        return start(dir, port, null);
    }

    private static EmbeddedKafka start(Path dir, int port, TemporaryFolder temporary) {
        try {
            int brokerPort = port > 0 ? port : freePort();
            java.util.OptionalInt previous = previousControllerPort(dir);
            int controllerPort = previous.isPresent() ? previous.getAsInt() : freePort();
            Properties props = new Properties();
            props.setProperty("process.roles", "broker,controller");
            props.setProperty("node.id", "1");
            props.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            props.setProperty("controller.listener.names", "CONTROLLER");
            props.setProperty("inter.broker.listener.name", "PLAINTEXT");
            props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.setProperty("log.dirs", dir.resolve("logs").toString());
            props.setProperty("num.partitions", "1");
            props.setProperty("auto.create.topics.enable", "false");
            props.setProperty("offsets.topic.replication.factor", "1");
            props.setProperty("offsets.topic.num.partitions", "4");
            props.setProperty("transaction.state.log.replication.factor", "1");
            props.setProperty("transaction.state.log.min.isr", "1");
            props.setProperty("transaction.state.log.num.partitions", "4");
            props.setProperty("transaction.max.timeout.ms", String.valueOf(MAX_TRANSACTION_TIMEOUT.toMillis()));
            props.setProperty("group.initial.rebalance.delay.ms", "0");
            props.setProperty("share.coordinator.state.topic.replication.factor", "1");
            props.setProperty("share.coordinator.state.topic.min.isr", "1");
            props.setProperty("log.flush.interval.messages", "9223372036854775807");

            Files.createDirectories(dir);
            Path configFile = dir.resolve("server.properties");
            try (var out = Files.newOutputStream(configFile)) {
                props.store(out, "embedded Kafka for flink-online-lstm");
            }
            // A kept folder is formatted once: a restarted broker keeps its cluster id and topics.
            if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
                format(configFile);
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(temporary, server, "127.0.0.1:" + brokerPort);
            kafka.awaitReady(Duration.ofSeconds(60));
            LOG.info("Embedded Kafka broker ready at {} (data in {})", kafka.bootstrapServers, dir);
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void format(Path configFile) {
        ByteArrayOutputStream formatLog = new ByteArrayOutputStream();
        // StorageTool.main would exit the JVM; execute returns a status instead.
        int status = StorageTool.execute(new String[] {
                "format", "--config", configFile.toString(), "--cluster-id", Uuid.randomUuid().toString(),
                "--ignore-formatted"}, new PrintStream(formatLog, true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new IllegalStateException("Formatting Kafka storage failed: " + formatLog.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * The controller port a kept data folder was formatted with: the KRaft metadata log names its
     * voter by address, so a restarted broker must listen where it did before.
     */
    private static java.util.OptionalInt previousControllerPort(Path dir) {
        Path config = dir.resolve("server.properties");
        if (!Files.isRegularFile(config)) {
            return java.util.OptionalInt.empty();
        }
        Properties previous = new Properties();
        try (var in = Files.newInputStream(config)) {
            previous.load(in);
        } catch (IOException e) {
            return java.util.OptionalInt.empty();
        }
        String voters = previous.getProperty("controller.quorum.voters", "");
        int colon = voters.lastIndexOf(':');
        return colon < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(Integer.parseInt(voters.substring(colon + 1)));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** An admin client for this broker; close it after use. */
    public Admin admin() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(p);
    }

    /** Creates topics with the given partition count (replication 1). */
    public void createTopics(int partitions, String... topics) {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = Stream.of(topics).map(t -> new NewTopic(t, partitions, (short) 1)).toList();
            admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not create topics " + List.of(topics) + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            sleep(100);
        }
        close();
        throw new IllegalStateException("Embedded Kafka broker did not become ready within " + timeout, last);
    }

    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Embedded Kafka broker did not shut down cleanly: {}", e.toString());
        } finally {
            if (dataDir != null) {
                dataDir.close();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        }
    }

    /** Deletes a folder and everything in it, logging what cannot be deleted. */
    public static void deleteQuietly(Path dir) {
        Path left = TemporaryFolder.deleteRecursively(dir);
        if (left != null) {
            LOG.warn("Could not delete all of {}: {} is left", dir, left);
        }
    }
}
