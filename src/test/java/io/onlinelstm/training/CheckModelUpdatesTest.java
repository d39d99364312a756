package io.onlinelstm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.io.ModelUpdateSigner;
import io.onlinelstm.io.RawReading;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.model.WeightsCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one check of model updates before the broadcast, on Flink's operator test harness. */
class CheckModelUpdatesTest {

    private static final LstmConfig CONFIG = LstmConfig.builder().hiddenSize(8).layers(2).seed(3).build();

    private static ModelUpdate update(long version, LstmConfig config) {
        return io.onlinelstm.io.TestModelUpdates.of(version, config);
    }

    private static StreamRecord<RawReading> record(Object update, long offset) {
        byte[] bytes = update instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JsonCodec.toBytes(update);
        return new StreamRecord<>(new RawReading(bytes, "model-updates", 0, offset, 0));
    }

    private static OneInputStreamOperatorTestHarness<RawReading, ModelUpdate> open(ModelUpdateSigner signer,
            OperatorSubtaskState restore) throws Exception {
        return open(signer, restore, 0, null);
    }

    private static OneInputStreamOperatorTestHarness<RawReading, ModelUpdate> open(ModelUpdateSigner signer,
            OperatorSubtaskState restore, long startVersion, Path store) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new CheckModelUpdates(CONFIG, "job", signer,
                startVersion, store == null ? null : store.toUri().toString())));
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static List<String> reasons(OneInputStreamOperatorTestHarness<RawReading, ModelUpdate> h) {
        var out = h.getSideOutput(CheckModelUpdates.DEAD_LETTERS);
        return out == null ? List.of() : out.stream().map(r -> ((DeadLetter) r.getValue()).reason).toList();
    }

    @Test
    void goodUpdatesPassOnWithTheirWeightsAndBadOnesBecomeDeadLettersWithoutAnException(@TempDir Path store)
            throws Exception {
        ModelUpdate inStore = update(4, CONFIG.toBuilder().seed(44).build());
        byte[] weights = inStore.weights;
        Path file = store.resolve("model-4.olstm");
        Files.write(file, weights);
        inStore.weights = null;
        inStore.uri = file.toUri().toString();
        ModelUpdate corrupt = update(5, CONFIG.toBuilder().seed(55).build());
        corrupt.weights[corrupt.weights.length / 2] ^= 1;
        ModelUpdate foreign = update(6, CONFIG.toBuilder().hiddenSize(16).build());
        ModelUpdate missing = update(7, CONFIG);
        missing.weights = null;
        missing.uri = store.resolve("model-7.olstm").toUri().toString();
        ModelUpdate elsewhere = update(8, CONFIG);
        elsewhere.weights = null;
        elsewhere.uri = "file:///dev/zero";
        ModelUpdate empty = update(9, CONFIG);
        empty.weights = new byte[0];
        Files.write(store.resolve("model-10.olstm"), new byte[] {1, 2, 3});
        ModelUpdate tiny = update(10, CONFIG);
        tiny.weights = null;
        tiny.uri = store.resolve("model-10.olstm").toUri().toString();
        Files.write(store.resolve("model-11.olstm"), new byte[4 * 1024 * 1024]);
        ModelUpdate huge = update(11, CONFIG);
        huge.weights = null;
        huge.uri = store.resolve("model-11.olstm").toUri().toString();
        try (var h = open(null, null, 0, store)) {
            h.processElement(record(update(2, CONFIG), 0));
            h.processElement(record("{\"version\": 999, \"garbage", 1));
            h.processElement(record(inStore, 2));
            h.processElement(record(corrupt, 3));
            h.processElement(record(foreign, 4));
            h.processElement(record(missing, 5));
            h.processElement(record(update(3, CONFIG), 6));
            h.processElement(record(elsewhere, 7));
            h.processElement(record(empty, 8));
            h.processElement(record(tiny, 9));
            h.processElement(record(huge, 10));
            List<ModelUpdate> passed = h.extractOutputValues();
            assertEquals(List.of(2L, 4L), passed.stream().map(u -> u.version).toList(),
                    "valid ones in order; version 3 after 4 is old news");
            assertArrayEquals(weights, passed.get(1).weights, "weights read from the store travel with the update");
            assertEquals(List.of("malformed_model_update", "corrupt_model", "incompatible_model", "model_unreadable",
                    "model_unreadable", "corrupt_model", "corrupt_model", "model_unreadable"), reasons(h),
                    "a missing file, a uri outside the store, empty weights, a 3-byte file, a 4 MB one: refused, never thrown");
        }
    }

    @Test
    void withAKeyOnlySignedUpdatesPass() throws Exception {
        byte[] key = new byte[32];
        new Random(7).nextBytes(key);
        ModelUpdateSigner signer = ModelUpdateSigner.parse("k1=" + Base64.getEncoder().encodeToString(key) + "\n", "test");
        ModelUpdate signed = update(2, CONFIG);
        signer.sign(signed, "job");
        ModelUpdate otherJob = update(3, CONFIG);
        signer.sign(otherJob, "another job");
        ModelUpdate tampered = update(4, CONFIG);
        signer.sign(tampered, "job");
        tampered.version = 5;
        try (var h = open(signer, null)) {
            h.processElement(record(update(1, CONFIG), 0));
            h.processElement(record(signed, 1));
            h.processElement(record(otherJob, 2));
            h.processElement(record(tampered, 3));
            assertEquals(List.of(2L), h.extractOutputValues().stream().map(u -> u.version).toList());
            assertEquals(List.of("unsigned_model_update", "forged_model_update", "forged_model_update"), reasons(h));
        }
    }

    @Test
    void announcementsUpToTheStartVersionAreOldNewsAndNeverReadFromTheStore() throws Exception {
        ModelUpdate deleted = update(3, CONFIG);
        deleted.weights = null;
        deleted.uri = "file:///nowhere/retention-deleted-it.olstm";
        try (var h = open(null, null, 5, null)) {
            h.processElement(record(deleted, 0));
            h.processElement(record(update(5, CONFIG), 1));
            h.processElement(record(update(6, CONFIG), 2));
            assertEquals(List.of(6L), h.extractOutputValues().stream().map(u -> u.version).toList());
            assertEquals(List.of(), reasons(h), "no dead letter for old news");
        }
    }

    @Test
    void theNewestPassedVersionSurvivesARestoreSoATopicReplayIsNotPassedOnAgain() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = open(null, null)) {
            h.processElement(record(update(2, CONFIG), 0));
            snapshot = h.snapshot(1, 1);
        }
        // Restored with a newer start version (the store moved on since the savepoint): the
        // restore's own record counts, so version 3 still reaches forecasters that serve 2.
        try (var h = open(null, snapshot, 7, null)) {
            h.processElement(record(update(2, CONFIG), 0));
            h.processElement(record(update(3, CONFIG), 1));
            assertEquals(List.of(3L), h.extractOutputValues().stream().map(u -> u.version).toList());
        }
    }
}
