package io.onlinelstm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.demo.EmbeddedKafka;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The check before run and generate, against a real closed port and a real broker. */
class KafkaReachabilityTest {

    @Test
    void aClosedPortFailsWithinTheTimeoutNamingAddressAndOption() throws Exception {
        int closed;
        // A port that was free a moment ago: nothing listens there.
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String servers = "127.0.0.1:" + closed;
        KafkaReachability.KafkaUnavailableException e = assertThrows(KafkaReachability.KafkaUnavailableException.class,
                () -> KafkaReachability.check(new KafkaReachability.Check(servers, "--kafka", new Properties(),
                        List.of("readings"), List.of(), Duration.ofSeconds(3))));
        assertEquals("cannot reach Kafka at " + servers + " within 3 s (--kafka). Is the broker running and the address"
                + " right?", e.getMessage());
        assertEquals(0, e.getStackTrace().length, "meant for the command line, without a stack trace");
    }

    @Test
    void aRunningBrokerPassesAndMissingTopicsAreNamedWithHowToCreateThem() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "readings", "forecasts");
            String servers = kafka.bootstrapServers();
            KafkaReachability.check(new KafkaReachability.Check(servers, "--kafka", new Properties(),
                    List.of("readings"), List.of("forecasts"), Duration.ofSeconds(20)));

            // The embedded broker does not create topics on write, so a missing output counts too.
            KafkaReachability.KafkaUnavailableException e = assertThrows(KafkaReachability.KafkaUnavailableException.class,
                    () -> KafkaReachability.check(new KafkaReachability.Check(servers, "--kafka", new Properties(),
                            List.of("readings", "model-updates"), List.of("forecasts", "alerts"), Duration.ofSeconds(20))));
            assertTrue(e.getMessage().startsWith("Kafka at " + servers + " has no topic model-updates, alerts."),
                    e.getMessage());
            assertTrue(e.getMessage().contains("kafka-topics.sh --bootstrap-server " + servers
                    + " --create --topic model-updates"), e.getMessage());
            assertTrue(e.getMessage().contains("--create --topic alerts"), e.getMessage());
        }
    }
}
