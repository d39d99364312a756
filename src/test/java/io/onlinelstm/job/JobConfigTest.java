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
    void sinkProducersBatchByTheJobsDefaultsUnlessKafkaPropertiesSayOtherwise() {
        java.util.Properties defaults = JobConfig.fromArgs(List.of()).producerProperties();
        assertEquals("20", defaults.getProperty("linger.ms"));
        assertEquals(String.valueOf(128 * 1024), defaults.getProperty("batch.size"));
        assertEquals("0", JobConfig.fromArgs(List.of("--kafka.sink-linger", "0 ms")).producerProperties().getProperty("linger.ms"));
        java.util.Properties overridden = JobConfig.fromArgs(List.of("--kafka.sink-linger", "50 ms",
                "--kafka.properties", "linger.ms:1,batch.size:16384,security.protocol:SSL")).producerProperties();
        assertEquals("1", overridden.getProperty("linger.ms"));
        assertEquals("16384", overridden.getProperty("batch.size"));
        assertEquals("SSL", overridden.getProperty("security.protocol"));
        assertEquals(null, JobConfig.fromArgs(List.of()).kafkaProperties().getProperty("linger.ms"), "sources get no producer settings");
    }

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
    void deliveryGuaranteeIsExactlyOnceByDefaultAndOnlyTheTwoNamedValuesAreTaken() {
        assertEquals(org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE, JobConfig.defaults().outputGuarantee());
        assertEquals(org.apache.flink.connector.base.DeliveryGuarantee.AT_LEAST_ONCE,
                JobConfig.fromArgs(List.of("--kafka.delivery-guarantee", "at-least-once")).outputGuarantee());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(List.of("--kafka.delivery-guarantee", "none")));
        assertTrue(e.getMessage().contains("--kafka.delivery-guarantee") && e.getMessage().contains("at-least-once"),
                e.getMessage());
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

    @Test
    void everyJobHasItsOwnDefaultModelStoreAndAnExplicitOneIsKept() {
        String a = JobConfig.fromArgs(List.of("--job.name", "plant-a")).modelStore();
        String b = JobConfig.fromArgs(List.of("--job.name", "plant b/../x")).modelStore();
        String base = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "online-lstm", "models").toAbsolutePath().toUri().toString();
        assertTrue(a.startsWith(base) && a.endsWith("/plant-a"), a);
        assertTrue(b.startsWith(base) && b.endsWith("/plant_b_.._x"), "a job name cannot leave the folder: " + b);
        assertFalse(JobConfig.defaults().modelStoreGiven());
        assertEquals("s3://bucket/models", JobConfig.fromArgs(List.of("--model.store", "s3://bucket/models")).modelStore());
        assertTrue(JobConfig.fromArgs(List.of("--model.store", "s3://bucket/models")).modelStoreGiven());
    }

    @Test
    void aLiveJobStartsFromTheNewestCommittedModelOfItsStore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String store = dir.toUri().toString();
        JobConfig config = JobConfig.fromArgs(List.of("--model.store", store, "--model.hidden-size", "8"));
        io.onlinelstm.training.ModelStore models = new io.onlinelstm.training.ModelStore(store);
        io.onlinelstm.training.VersionedModel committed = io.onlinelstm.training.VersionedModel.of(3,
                io.onlinelstm.model.WeightInitializer.initialize(config.with(java.util.Map.of("model.seed", "3")).model()));
        io.onlinelstm.training.VersionedModel uncommitted = io.onlinelstm.training.VersionedModel.of(4,
                io.onlinelstm.model.WeightInitializer.initialize(config.with(java.util.Map.of("model.seed", "4")).model()));
        assertEquals(0, config.initialModel().version(), "an empty store: fresh weights");
        models.write(committed, new io.onlinelstm.io.ModelUpdate());
        models.commit(3, committed.checksum(), 1);
        models.write(uncommitted, new io.onlinelstm.io.ModelUpdate());
        io.onlinelstm.training.VersionedModel start = config.initialModel();
        assertEquals(3, start.version(), "version 4 was never committed");
        assertEquals(committed.checksum(), start.checksum());
        assertEquals(3, config.replayInitialModel().version(), "a replay given the store explicitly uses it");

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> config.with(java.util.Map.of("model.hidden-size", "16")).initialModel());
        assertTrue(other.getMessage().contains(store) && other.getMessage().contains("model.store"), other.getMessage());
    }

    @Test
    void theSigningKeyFileAndRetentionAreReadAndChecked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertEquals(null, JobConfig.defaults().modelSigner(), "no key: unsigned, as before");
        assertEquals(null, JobConfig.defaults().publishing().signer());
        assertEquals(10, JobConfig.defaults().publishing().retainVersions());
        java.nio.file.Path keys = dir.resolve("keys");
        String key = java.util.Base64.getEncoder().encodeToString(SECRET.repeat(3).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.file.Files.writeString(keys, "k2=" + key + "\n");
        JobConfig config = JobConfig.fromArgs(List.of("--model.signing-key-file", keys.toString(), "--job.name", "j",
                "--model.store.retention-versions", "3"));
        assertEquals("k2", config.publishing().signer().currentKeyId());
        assertEquals("j", config.publishing().jobName());
        assertEquals(3, config.publishing().retainVersions());
        assertFalse(config.describeForLog().toString().contains(key));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(List.of("--model.store.retention-versions", "0")));
        assertTrue(e.getMessage().contains("--model.store.retention-versions"), e.getMessage());
    }
}
