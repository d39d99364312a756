package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    private static final String SECRET = "hunter2-very-secret";

    @Test
    void kafkaSecurityPropertiesPassThroughButAreNeverShownInLogs() {
        JobConfig config = JobConfig.fromArgs(List.of("--kafka.properties",
                "security.protocol:SASL_SSL,sasl.mechanism:PLAIN,sasl.jaas.config:'org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required username=\"u\" password=\"" + SECRET + "\";'"));
        assertEquals("SASL_SSL", config.kafkaProperties().getProperty("security.protocol"));
        assertTrue(config.kafkaProperties().getProperty("sasl.jaas.config").contains(SECRET), "the secret must reach the client");
        String logged = config.describeForLog().toString();
        assertFalse(logged.contains(SECRET), logged);
        assertFalse(logged.contains("SASL_SSL"), "no client property value is logged: " + logged);
        assertTrue(logged.contains("3 properties, values hidden"), logged);
    }

    @Test
    void kafkaPropertiesFromAFileAreOverriddenByTheOptionAndNeverShown(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("kafka.properties");
        java.nio.file.Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\""
                + SECRET + "\";\n");
        JobConfig config = JobConfig.fromArgs(List.of("--kafka.properties-file", file.toString(),
                "--kafka.properties", "sasl.mechanism:PLAIN"));
        assertEquals("SASL_SSL", config.kafkaProperties().getProperty("security.protocol"));
        assertEquals("PLAIN", config.kafkaProperties().getProperty("sasl.mechanism"), "the option wins over the file");
        assertTrue(config.kafkaProperties().getProperty("sasl.jaas.config").contains(SECRET));
        assertFalse(config.describeForLog().toString().contains(SECRET));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(List.of("--kafka.properties-file", dir.resolve("absent").toString())).kafkaProperties());
        assertTrue(missing.getMessage().contains("--kafka.properties-file"), missing.getMessage());
    }

    @Test
    void aMalformedKafkaPropertiesValueIsRefusedWithoutShowingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobConfig.fromArgs(List.of(
                "--kafka.properties", "sasl.jaas.config:'x required password=\"" + SECRET + "\";")));
        StringBuilder everything = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            everything.append(t).append('\n');
        }
        assertTrue(e.getMessage().contains("--kafka.properties"), e.getMessage());
        assertFalse(everything.toString().contains(SECRET), everything.toString());
    }

    @Test
    void unknownAndInvalidOptionsAreRefusedNamingTheOption() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(List.of("--forecaster.bundle", "3")));
        assertTrue(unknown.getMessage().contains("Unknown option --forecaster.bundle"), unknown.getMessage());
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(List.of("--checkpoint.interval", "soon")));
        assertTrue(invalid.getMessage().contains("--checkpoint.interval"), invalid.getMessage());
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(List.of("--training.mode", "sometimes")));
        assertTrue(mode.getMessage().contains("training.mode"), mode.getMessage());
        assertEquals(256, JobConfig.fromArgs(List.of("--initial-model", "")).get(JobOptions.BUNDLE_SIZE));
    }
}
