package io.onlinelstm.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before anything starts, that a Kafka cluster answers within a bounded time and holds the
 * topics a command needs. Without it an unreachable broker shows as silence (producers block on
 * metadata) or as a Flink job that fails and restarts for ever with a long stack trace.
 */
public final class KafkaReachability {

    /** Long enough for a cluster across a slow network; short enough that, with the JVM start on a busy machine, the answer comes within 30 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    /** Why a check failed, in words meant for the command line (no stack trace needed). */
    public static final class KafkaUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KafkaUnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What to check.
     *
     * @param servers bootstrap servers as the user gave them
     * @param optionName the option that set {@code servers}, named in the error (e.g. --kafka)
     * @param extra extra client properties (security settings); never logged or printed
     * @param mustExist topics that must exist whatever the broker's settings (those read from)
     * @param createdOnWrite topics that must exist unless the broker creates topics on first write
     */
    public record Check(String servers, String optionName, Properties extra, Collection<String> mustExist,
                        Collection<String> createdOnWrite, Duration timeout) {}

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReachability.class);

    private KafkaReachability() {}

    /**
     * Returns when the cluster answered and every needed topic is there.
     *
     * @throws KafkaUnavailableException saying what is wrong and what to do
     */
    public static void check(Check check) {
        long deadline = System.nanoTime() + check.timeout().toNanos();
        Admin admin;
        try {
            admin = Admin.create(adminProperties(check));
        } catch (KafkaException e) {
            // An unresolvable host name or a malformed address fails here, before any connection.
            throw new KafkaUnavailableException("cannot use Kafka address '" + check.servers() + "' ("
                    + check.optionName() + "): " + rootMessage(e) + ". Give host:port[,host:port...] of your brokers.");
        }
        try {
            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(millisLeft(deadline)));
            Collection<Node> nodes = cluster.nodes().get(millisLeft(deadline) + 1000L, TimeUnit.MILLISECONDS);
            Set<String> existing = admin.listTopics(new ListTopicsOptions().timeoutMs(millisLeft(deadline)))
                    .names().get(millisLeft(deadline) + 1000L, TimeUnit.MILLISECONDS);
            List<String> missing = missing(check.mustExist(), existing);
            List<String> missingOutputs = missing(check.createdOnWrite(), existing);
            if (!missingOutputs.isEmpty() && !autoCreates(admin, nodes, deadline)) {
                missing.addAll(missingOutputs);
            }
            if (!missing.isEmpty()) {
                throw new KafkaUnavailableException(missingTopicsMessage(check, missing));
            }
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(check, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while checking Kafka at " + check.servers());
        } finally {
            // Do not wait for requests still in flight to an unreachable broker.
            admin.close(Duration.ZERO);
        }
    }

    private static Properties adminProperties(Check check) {
        Properties p = new Properties();
        p.putAll(check.extra());
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, check.servers());
        long ms = check.timeout().toMillis();
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(ms));
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(ms, 15_000)));
        p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "online-lstm-reachability");
        return p;
    }

    /**
     * Whether a broker creates topics on first write (auto.create.topics.enable). Unknown (the user
     * may not describe configs, or the broker fails the request) counts as no: naming a missing
     * topic costs the user one kafka-topics.sh call, while a job that writes to a topic that is not
     * created fails and restarts for ever.
     */
    private static boolean autoCreates(Admin admin, Collection<Node> nodes, long deadline) throws InterruptedException {
        if (nodes.isEmpty()) {
            return false;
        }
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
        try {
            Config config = admin.describeConfigs(List.of(broker), new DescribeConfigsOptions().timeoutMs(millisLeft(deadline)))
                    .all().get(millisLeft(deadline) + 1000L, TimeUnit.MILLISECONDS).get(broker);
            ConfigEntry entry = config == null ? null : config.get("auto.create.topics.enable");
            return entry != null && Boolean.parseBoolean(entry.value());
        } catch (ExecutionException | TimeoutException e) {
            LOG.info("Could not read auto.create.topics.enable of broker {} ({}); every topic the command writes must exist",
                    broker.name(), e.toString());
            return false;
        }
    }

    private static List<String> missing(Collection<String> needed, Set<String> existing) {
        List<String> out = new ArrayList<>();
        for (String t : new LinkedHashSet<>(needed)) {
            if (!existing.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    static String missingTopicsMessage(Check check, List<String> missing) {
        StringBuilder s = new StringBuilder("Kafka at ").append(check.servers()).append(" has no topic ")
                .append(String.join(", ", missing)).append(". Create ").append(missing.size() == 1 ? "it" : "them")
                .append(", e.g.:");
        for (String t : missing) {
            s.append(System.lineSeparator()).append("  kafka-topics.sh --bootstrap-server ").append(check.servers())
                    .append(" --create --topic ").append(t).append(" --partitions 4");
        }
        s.append(System.lineSeparator()).append("or name existing topics with the topic options (see --help).");
        return s.toString();
    }

    private static KafkaUnavailableException unreachable(Check check, Exception e) {
        String cause = e instanceof TimeoutException ? null : rootMessage(e);
        boolean timedOut = e instanceof TimeoutException || e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException;
        if (timedOut) {
            return new KafkaUnavailableException("cannot reach Kafka at " + check.servers() + " within "
                    + check.timeout().toSeconds() + " s (" + check.optionName()
                    + "). Is the broker running and the address right?");
        }
        // Refused authentication, authorisation and the like: the broker answered, the client cannot go on.
        return new KafkaUnavailableException("Kafka at " + check.servers() + " (" + check.optionName()
                + ") refused the check: " + cause + ". Check the address and the client settings (security"
                + " protocol, credentials, ACLs to describe the cluster and list topics).");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static int millisLeft(long deadline) {
        return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
