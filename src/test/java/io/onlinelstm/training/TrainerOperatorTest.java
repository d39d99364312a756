package io.onlinelstm.training;

import io.onlinelstm.io.ModelUpdate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.OptimizerConfig;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.model.WeightsCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import io.onlinelstm.io.ModelUpdateSigner;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerOperatorTest {

    private static final LstmConfig CONFIG = LstmConfig.builder().hiddenSize(16).layers(1).seed(5).build();

    private static TrainerOperator trainer(Path store, double rollbackMargin) {
        return trainer(store, rollbackMargin, PublishSettings.of(store.toUri().toString()));
    }

    private static TrainerOperator trainer(Path store, double rollbackMargin, PublishSettings publishing) {
        TrainingSettings s = OnlineLearnerTest.settings(OptimizerConfig.builder().learningRate(0.01f).build());
        s = new TrainingSettings(s.stride(), s.sampleRate(), s.bufferCapacity(), s.holdout(), s.trainEveryWindows(),
                s.trainEvery(), s.stepsPerRound(), s.batchSize(), s.optimizer(), s.tolerance(), s.minWindows(),
                s.maxBusyShare(), rollbackMargin, 500);
        return new TrainerOperator(CONFIG, ComputeDevice.CPU, s,
                VersionedModel.of(0, WeightInitializer.initialize(CONFIG)), publishing);
    }

    private static TwoInputStreamOperatorTestHarness<TrainingWindow, LiveErrorReport, ModelUpdate> open(Path store, OperatorSubtaskState state)
            throws Exception {
        return open(store, state, 0);
    }

    private static TwoInputStreamOperatorTestHarness<TrainingWindow, LiveErrorReport, ModelUpdate> open(
            Path store, OperatorSubtaskState state, double rollbackMargin) throws Exception {
        return open(trainer(store, rollbackMargin), state);
    }

    private static TwoInputStreamOperatorTestHarness<TrainingWindow, LiveErrorReport, ModelUpdate> open(
            TrainerOperator trainer, OperatorSubtaskState state) throws Exception {
        TwoInputStreamOperatorTestHarness<TrainingWindow, LiveErrorReport, ModelUpdate> h =
                new TwoInputStreamOperatorTestHarness<>(trainer);
        h.setup();
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        return h;
    }

    @Test
    void publishesVersionsToTheStoreAndAnnouncesThem(@TempDir Path store) throws Exception {
        try (var h = open(store, null)) {
            for (TrainingWindow w : Windows.sine(800, 24, 24, 1)) {
                h.processElement1(new StreamRecord<>(w, w.ts));
            }
            List<ModelUpdate> updates = h.extractOutputValues();
            assertTrue(updates.size() >= 2, "updates: " + updates.size());
            for (int i = 0; i < updates.size(); i++) {
                ModelUpdate u = updates.get(i);
                assertEquals(i + 1, u.version, "versions count up from the initial model's");
                assertEquals(u.checksum, WeightsCodec.checksum(u.weights));
                assertEquals(u.checksum, WeightsCodec.checksum(ModelStore.read(u.uri, u.checksum)));
                assertTrue(Files.exists(store.resolve(ModelStore.baseName(u.version, u.checksum) + ".json")));
                assertTrue(u.uri.endsWith(ModelStore.baseName(u.version, u.checksum) + ".olstm"), u.uri);
                assertTrue(u.candidateLoss <= u.servingLoss * 1.02f + 1e-6f);
            }
            h.snapshot(1, 1);
            h.notifyOfCompletedCheckpoint(1);
            assertEquals(updates.get(updates.size() - 1).version,
                    new ModelStore(store.toUri().toString()).newestCommitted().get().version());
        }
    }

    @Test
    void withoutProcessingTimeRoundsFollowTheWindowsReceived(@TempDir Path store) throws Exception {
        // As in a replay: the harness's processing time never moves, so only the windows can start rounds.
        TrainerOperator trainer = new TrainerOperator(CONFIG, ComputeDevice.CPU,
                OnlineLearnerTest.growing(OptimizerConfig.defaults()),
                VersionedModel.of(0, WeightInitializer.initialize(CONFIG)), PublishSettings.of(store.toUri().toString()));
        List<Integer> roundsAt = new java.util.ArrayList<>();
        try (var h = open(trainer, null)) {
            List<TrainingWindow> windows = Windows.sine(60, 24, 24, 3);
            for (int i = 0; i < windows.size(); i++) {
                long before = trainer.learner().published() + trainer.learner().rejected();
                h.processElement1(new StreamRecord<>(windows.get(i), windows.get(i).ts));
                if (trainer.learner().published() + trainer.learner().rejected() > before) {
                    roundsAt.add(i + 1);
                }
            }
        }
        assertEquals(List.of(8, 10, 13, 17, 22, 28, 35, 44, 55), roundsAt);
    }

    @Test
    void restartFromACheckpointKeepsVersionBufferAndOptimizer(@TempDir Path store) throws Exception {
        List<TrainingWindow> windows = Windows.sine(1_000, 24, 24, 2);
        OperatorSubtaskState checkpoint;
        long version;
        int buffered;
        byte[] learnerBytes;
        List<ModelUpdate> uninterrupted;
        try (var h = open(store.resolve("a"), null)) {
            feed(h, windows.subList(0, 500));
            checkpoint = h.snapshot(1, 1);
            TrainerOperator op = (TrainerOperator) h.getOperator();
            version = op.version();
            buffered = op.learner().bufferSize();
            learnerBytes = op.learner().snapshot();
            feed(h, windows.subList(500, 1_000));
            uninterrupted = h.extractOutputValues();
        }
        assertTrue(version > 0);
        try (var h = open(store.resolve("b"), checkpoint)) {
            TrainerOperator op = (TrainerOperator) h.getOperator();
            assertEquals(version, op.version());
            assertEquals(buffered, op.learner().bufferSize());
            // Weights, Adam moments and step count, buffer: the whole learner is as it was.
            assertTrue(java.util.Arrays.equals(learnerBytes, op.learner().snapshot()), "restored learner state differs");
            feed(h, windows.subList(500, 1_000));
            List<ModelUpdate> resumed = h.extractOutputValues();
            List<ModelUpdate> expected = uninterrupted.stream().filter(u -> u.version > version).toList();
            assertEquals(expected.stream().map(u -> u.checksum).toList(), resumed.stream().map(u -> u.checksum).toList());
        }
    }

    private static void feed(TwoInputStreamOperatorTestHarness<TrainingWindow, LiveErrorReport, ModelUpdate> h, List<TrainingWindow> ws)
            throws Exception {
        for (TrainingWindow w : ws) {
            h.processElement1(new StreamRecord<>(w, w.ts));
        }
    }

    @Test
    void aVersionThatDoesWorseLiveIsRolledBackAsTheNextVersion(@TempDir Path store) throws Exception {
        try (var h = open(store, null, 0.1)) {
            feed(h, Windows.sine(400, 24, 24, 3));
            List<ModelUpdate> updates = h.extractOutputValues();
            assertTrue(updates.size() >= 2, "need two published versions, got " + updates.size());
            ModelUpdate previous = updates.get(updates.size() - 2);
            ModelUpdate current = updates.get(updates.size() - 1);
            // Not enough samples yet: nothing happens.
            h.processElement2(new StreamRecord<>(new LiveErrorReport(previous.version, 100, 100)));
            h.processElement2(new StreamRecord<>(new LiveErrorReport(current.version, 300, 100)));
            assertEquals(updates.size(), h.extractOutputValues().size());
            // Within the margin: no rollback either.
            h.processElement2(new StreamRecord<>(new LiveErrorReport(previous.version, 900, 900)));
            h.processElement2(new StreamRecord<>(new LiveErrorReport(current.version, 700, 900)));
            assertEquals(updates.size(), h.extractOutputValues().size(), "MAE 1.0 vs 1.0 is within 10 %");
            // Clearly worse: the previous weights come back as the next version.
            h.processElement2(new StreamRecord<>(new LiveErrorReport(current.version, 1_000, 500)));
            List<ModelUpdate> after = h.extractOutputValues();
            assertEquals(updates.size() + 1, after.size());
            ModelUpdate rollback = after.get(after.size() - 1);
            assertEquals(current.version + 1, rollback.version, "a rollback is a new, higher version");
            assertEquals(previous.version, rollback.rollbackOf);
            assertEquals(previous.checksum, rollback.checksum, "the rollback carries the previous version's weights");
            assertEquals(1, ((TrainerOperator) h.getOperator()).learner().rollbacks());
        }
    }

    // ---- the store contract: a version is committed only with the checkpoint that announced it ----

    private static List<Long> committed(Path store) {
        return new ModelStore(store.toUri().toString()).committed().stream().map(ModelStore.StoredVersion::version).toList();
    }

    private static List<Long> versions(List<ModelUpdate> updates) {
        return updates.stream().map(u -> u.version).toList();
    }

    @Test
    void aVersionIsCommittedOnlyWhenTheCheckpointCarryingItsAnnouncementCompletes(@TempDir Path store) throws Exception {
        List<TrainingWindow> windows = Windows.sine(1_000, 24, 24, 6);
        try (var h = open(store, null)) {
            feed(h, windows.subList(0, 500));
            List<Long> first = versions(h.extractOutputValues());
            assertFalse(first.isEmpty(), "the first 500 windows should publish a version");
            assertEquals(List.of(), committed(store), "announced, but no checkpoint has completed");
            h.snapshot(1, 1);
            assertEquals(List.of(), committed(store), "the checkpoint is taken, not completed");

            feed(h, windows.subList(500, 800));
            List<Long> all = versions(h.extractOutputValues());
            assertTrue(all.size() > first.size(), "the next 300 windows should publish another version");
            h.snapshot(2, 2);
            feed(h, windows.subList(800, 1_000));
            h.notifyOfCompletedCheckpoint(1);
            assertEquals(first, committed(store), "checkpoint 1 commits only what was announced before it");
            assertEquals(first.get(first.size() - 1),
                    new ModelStore(store.toUri().toString()).newestCommitted().orElseThrow().version());

            // Checkpoint 2's notification never comes (Flink skips subsumed ones): checkpoint 3's commits its versions too.
            List<Long> beforeThree = versions(h.extractOutputValues());
            h.snapshot(3, 3);
            h.notifyOfCompletedCheckpoint(3);
            assertEquals(beforeThree, committed(store));
        }
    }

    @Test
    void restoringFromACheckpointCommitsTheVersionsAnnouncedBeforeIt(@TempDir Path store) throws Exception {
        List<TrainingWindow> windows = Windows.sine(800, 24, 24, 7);
        OperatorSubtaskState checkpoint;
        List<Long> beforeCheckpoint;
        List<Long> afterCheckpoint;
        try (var h = open(store, null)) {
            feed(h, windows.subList(0, 500));
            beforeCheckpoint = versions(h.extractOutputValues());
            checkpoint = h.snapshot(1, 1);
            feed(h, windows.subList(500, 800));
            afterCheckpoint = versions(h.extractOutputValues()).subList(beforeCheckpoint.size(), h.extractOutputValues().size());
            // The job fails before the notification of checkpoint 1 arrives.
        }
        assertFalse(beforeCheckpoint.isEmpty());
        assertFalse(afterCheckpoint.isEmpty(), "need a version announced after the checkpoint");
        assertEquals(List.of(), committed(store));
        try (var h = open(store, checkpoint)) {
            assertEquals(beforeCheckpoint, committed(store),
                    "restored from checkpoint 1: its announcements were published, the later ones were not");
        }
    }

    @Test
    void aRestartedTrainerReusesOnlyNumbersThatWereNeverCommitted(@TempDir Path store) throws Exception {
        List<TrainingWindow> windows = Windows.sine(1_000, 24, 24, 8);
        List<TrainingWindow> otherWindows = Windows.sine(500, 24, 24, 9);
        ModelStore models = new ModelStore(store.toUri().toString());
        OperatorSubtaskState checkpoint1;
        OperatorSubtaskState checkpoint2;
        List<ModelUpdate> firstRun;
        try (var h = open(store, null)) {
            feed(h, windows.subList(0, 500));
            checkpoint1 = h.snapshot(1, 1);
            h.notifyOfCompletedCheckpoint(1);
            feed(h, windows.subList(500, 800));
            checkpoint2 = h.snapshot(2, 2);
            feed(h, windows.subList(800, 1_000));
            firstRun = h.extractOutputValues();
            // Versions after checkpoint 2 are written but never committed: a failover takes them back.
        }
        long committedBefore = models.newestCommitted().orElseThrow().version();

        // Failover to checkpoint 2: its versions commit on restore; the numbers after it are free again.
        List<ModelUpdate> secondRun;
        try (var h = open(store, checkpoint2)) {
            long restoredAt = ((TrainerOperator) h.getOperator()).version();
            assertTrue(restoredAt > committedBefore, "checkpoint 2 should hold versions that checkpoint 1 did not");
            assertEquals(restoredAt, models.newestCommitted().orElseThrow().version());
            feed(h, otherWindows);
            secondRun = h.extractOutputValues();
            assertFalse(secondRun.isEmpty(), "the restarted trainer should publish on new windows");
            ModelUpdate reused = secondRun.get(0);
            ModelUpdate aborted = firstRun.stream().filter(u -> u.version == reused.version).findFirst()
                    .orElseThrow(() -> new AssertionError("the first run should have published version " + reused.version));
            assertFalse(aborted.checksum.equals(reused.checksum), "other windows, other weights");
            assertArrayEquals(aborted.weights, ModelStore.read(aborted.uri, aborted.checksum), "the aborted file is kept until committed over");
            h.snapshot(3, 3);
            h.notifyOfCompletedCheckpoint(3);
            assertEquals(reused.checksum, models.committed(reused.version).orElseThrow().checksum(),
                    "the never-committed number now names the restarted trainer's weights");
        }

        // Restoring an older checkpoint (1) republishes committed numbers with other weights: the store keeps the first.
        long newest = models.newestCommitted().orElseThrow().version();
        Map<Long, String> committedChecksums = new java.util.HashMap<>();
        models.committed().forEach(v -> committedChecksums.put(v.version(), v.checksum()));
        Map<Long, byte[]> committedBytes = new java.util.HashMap<>();
        models.committed().forEach(v -> committedBytes.put(v.version(), v.load().encoded()));
        try (var h = open(store, checkpoint1)) {
            feed(h, Windows.sine(500, 24, 24, 10));
            List<ModelUpdate> third = h.extractOutputValues();
            assertTrue(third.stream().anyMatch(u -> u.version <= newest && !u.checksum.equals(committedChecksums.get(u.version))),
                    "the test needs a republished committed number with other weights");
            h.snapshot(4, 4);
            h.notifyOfCompletedCheckpoint(4);
        }
        for (var v : models.committed()) {
            if (committedChecksums.containsKey(v.version())) {
                assertEquals(committedChecksums.get(v.version()), v.checksum(), "version " + v.version() + " was recommitted");
                assertArrayEquals(committedBytes.get(v.version()), v.load().encoded());
            }
        }
    }

    @Test
    void updatesAreSignedForTheJobWhenAKeyIsConfigured(@TempDir Path store) throws Exception {
        ModelUpdateSigner signer = ModelUpdateSigner.parse("k1=" + java.util.Base64.getEncoder().encodeToString(new byte[32]), "test");
        PublishSettings publishing = new PublishSettings(store.toUri().toString(), 3, "job-a", signer);
        try (var h = open(trainer(store, 0, publishing), null)) {
            feed(h, Windows.sine(500, 24, 24, 11));
            List<ModelUpdate> updates = h.extractOutputValues();
            assertFalse(updates.isEmpty());
            for (ModelUpdate u : updates) {
                assertEquals("k1", u.keyId);
                assertEquals(ModelUpdateSigner.Verification.OK, signer.verify(u, "job-a"));
                assertEquals(ModelUpdateSigner.Verification.FORGED, signer.verify(u, "job-b"), "signed for its own job only");
            }
        }
        try (var h = open(store, null)) {
            feed(h, Windows.sine(500, 24, 24, 11));
            assertTrue(h.extractOutputValues().stream().allMatch(u -> u.keyId == null && u.signature == null),
                    "without a key, updates stay unsigned");
        }
    }

    @Test
    void retentionAfterACommitKeepsTheNewestVersions(@TempDir Path store) throws Exception {
        PublishSettings publishing = new PublishSettings(store.toUri().toString(), 1, "job", null);
        try (var h = open(trainer(store, 0, publishing), null)) {
            feed(h, Windows.sine(1_000, 24, 24, 12));
            List<ModelUpdate> updates = h.extractOutputValues();
            assertTrue(updates.size() >= 2, "need two versions, got " + updates.size());
            h.snapshot(1, 1);
            h.notifyOfCompletedCheckpoint(1);
            ModelUpdate newest = updates.get(updates.size() - 1);
            assertEquals(List.of(newest.version), committed(store));
            try (var files = Files.list(store)) {
                assertEquals(3, files.count(), "the newest version's weights, metadata and marker");
            }
            assertArrayEquals(newest.weights, ModelStore.read(newest.uri, newest.checksum));
        }
    }
}
