package io.onlinelstm.training;

import io.onlinelstm.io.ModelUpdate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.OptimizerConfig;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.model.WeightsCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerOperatorTest {

    private static final LstmConfig CONFIG = LstmConfig.builder().hiddenSize(16).layers(1).seed(5).build();

    private static TrainerOperator trainer(Path store, double rollbackMargin) {
        TrainingSettings s = OnlineLearnerTest.settings(OptimizerConfig.builder().learningRate(0.01f).build());
        s = new TrainingSettings(s.stride(), s.sampleRate(), s.bufferCapacity(), s.holdout(), s.trainEveryWindows(),
                s.trainEvery(), s.stepsPerRound(), s.batchSize(), s.optimizer(), s.tolerance(), s.minWindows(),
                s.maxBusyShare(), rollbackMargin, 500);
        return new TrainerOperator(CONFIG, ComputeDevice.CPU, s,
                VersionedModel.of(0, WeightInitializer.initialize(CONFIG)), store.toUri().toString());
    }

    private static TwoInputStreamOperatorTestHarness<TrainingWindow, LiveErrorReport, ModelUpdate> open(Path store, OperatorSubtaskState state)
            throws Exception {
        return open(store, state, 0);
    }

    private static TwoInputStreamOperatorTestHarness<TrainingWindow, LiveErrorReport, ModelUpdate> open(
            Path store, OperatorSubtaskState state, double rollbackMargin) throws Exception {
        TwoInputStreamOperatorTestHarness<TrainingWindow, LiveErrorReport, ModelUpdate> h =
                new TwoInputStreamOperatorTestHarness<>(trainer(store, rollbackMargin));
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
}
