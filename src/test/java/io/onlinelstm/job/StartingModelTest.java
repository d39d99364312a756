package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.operator.BundlingForecastOperator;
import io.onlinelstm.operator.ForecasterSettings;
import io.onlinelstm.state.StepState;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.SafetensorsFile;
import io.onlinelstm.model.SafetensorsWeights;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.model.WeightsCodec;
import io.onlinelstm.training.ModelStore;
import io.onlinelstm.training.VersionedModel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which model a job starts from, with model.initial: the file into an empty store, the store once it has versions. */
class StartingModelTest {

    private static final Map<String, String> SMALL = Map.of("model.hidden-size", "8", "model.layers", "1");

    private static JobConfig job(Path store, Path initial, Map<String, String> more) {
        Map<String, String> options = new HashMap<>(SMALL);
        if (store != null) {
            options.put("model.store", store.toUri().toString());
        }
        options.put("model.initial", initial.toString());
        options.putAll(more);
        return JobConfig.of(options);
    }

    /** Weights unlike the fresh ones of any seed the tests use. */
    private static ModelWeights trained(LstmConfig config) {
        return WeightInitializer.initialize(config.toBuilder().seed(99).build());
    }

    @Test
    void anEmptyStoreTakesTheFileAsVersionOneAndARestartFindsItThere(@TempDir Path dir) throws Exception {
        LstmConfig config = JobConfig.of(SMALL).model();
        ModelWeights weights = trained(config);
        Path file = dir.resolve("warm.safetensors");
        Files.write(file, SafetensorsWeights.encode(weights, "delta", 12));
        JobConfig job = job(dir.resolve("store"), file, Map.of());

        VersionedModel start = job.initialModel();
        assertEquals(StartingModel.INITIAL_VERSION, start.version());
        assertTrue(weights.sameValues(start.weights(config)));
        ModelStore store = new ModelStore(dir.resolve("store").toUri().toString());
        assertEquals(List.of(1L), store.committed().stream().map(ModelStore.StoredVersion::version).toList());
        assertEquals(start.checksum(), store.newestCommitted().orElseThrow().checksum());

        // A restart before any training: the same model, from the store, and nothing written twice.
        VersionedModel again = job.initialModel();
        assertEquals(1, again.version());
        assertEquals(start.checksum(), again.checksum());
        assertEquals(1, store.committed().size());
    }

    @Test
    void aLiveJobsForecasterServesTheFileFromItsFirstReading(@TempDir Path dir) throws Exception {
        Map<String, String> level = Map.of("forecaster.target", "level", "forecaster.combine", "false",
                "training.mode", "off");
        LstmConfig config = JobConfig.of(SMALL).model();
        ModelWeights weights = trained(config);
        Path file = dir.resolve("warm.safetensors");
        Files.write(file, SafetensorsWeights.encode(weights, "level", 5));
        JobConfig job = job(dir.resolve("store"), file, level);
        // As ForecastJob wires it.
        ForecasterSettings settings = job.forecaster().withInitialModel(job.initialModel()).withBundleSize(1);

        double[] values = {4.0, 5.5, 5.0, 7.25};
        List<Forecast> out;
        try (KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new BundlingForecastOperator(settings), r -> r.key, Types.STRING)) {
            h.open();
            for (int t = 0; t < values.length; t++) {
                h.processElement(new StreamRecord<>(new Reading("a", 1_000L * (t + 1), values[t], null, 0), 1_000L * (t + 1)));
            }
            out = h.extractOutputValues();
        }
        // The file's network (seed 99, not the job's fresh seed 42) stepped here, with the job's normalisation.
        try (LstmModel model = LstmModel.create(weights, ComputeDevice.CPU)) {
            StepState state = StepState.create(config.stateSize(), 1);
            float[][] hs = {new float[config.stateSize()]};
            float[][] cs = {new float[config.stateSize()]};
            for (int t = 0; t < values.length; t++) {
                state.observe(new double[] {values[t]});
                LstmModel.StepResult step = model.step(new float[][] {{state.normalise(0, values[t])}}, hs, cs);
                // The job keeps h and c as halves between readings (StepState): so does the reference.
                hs = io.onlinelstm.state.HalvedState.rounded(step.h());
                cs = io.onlinelstm.state.HalvedState.rounded(step.c());
                state.lastValue = values[t];
                assertEquals(1, out.get(t).modelVersion);
                assertEquals(state.denormaliseValue(step.forecasts()[0][0]), out.get(t).forecast[0], 1e-5, "reading " + t);
            }
        }
    }

    @Test
    void aStoreWithVersionsWinsOverModelInitial(@TempDir Path dir) throws Exception {
        LstmConfig config = JobConfig.of(SMALL).model();
        Path storeDir = dir.resolve("store");
        ModelStore store = new ModelStore(storeDir.toUri().toString());
        VersionedModel learnt = VersionedModel.of(3, WeightInitializer.initialize(config.toBuilder().seed(5).build()));
        store.write(learnt, new ModelUpdate());
        store.commit(3, learnt.checksum(), 7);
        Path file = dir.resolve("warm.safetensors");
        Files.write(file, SafetensorsWeights.encode(trained(config), "delta", 1));

        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        VersionedModel start = logged(log, () -> job(storeDir, file, Map.of()).initialModel());
        assertEquals(3, start.version());
        assertEquals(learnt.checksum(), start.checksum());
        assertEquals(1, store.committed().size(), "the file did not enter a store that has versions");
        assertTrue(log.stream().anyMatch(m -> m.startsWith("Ignoring model.initial " + file)
                && m.contains("already holds committed version 3") && m.contains("empty model.store")), log.toString());
    }

    /** Runs {@code action} while collecting what {@link StartingModel} logs. */
    private static <T> T logged(List<String> messages, java.util.function.Supplier<T> action) {
        org.apache.logging.log4j.core.Logger logger =
                (org.apache.logging.log4j.core.Logger) org.apache.logging.log4j.LogManager.getLogger(StartingModel.class);
        var appender = new org.apache.logging.log4j.core.appender.AbstractAppender("starting-model-test", null, null,
                true, org.apache.logging.log4j.core.config.Property.EMPTY_ARRAY) {
            @Override
            public void append(org.apache.logging.log4j.core.LogEvent event) {
                messages.add(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        logger.addAppender(appender);
        try {
            return action.get();
        } finally {
            logger.removeAppender(appender);
            appender.stop();
        }
    }

    @Test
    void theStoresOwnWeightsFileServesAsModelInitialToo(@TempDir Path dir) throws Exception {
        LstmConfig config = JobConfig.of(SMALL).model();
        ModelWeights weights = trained(config);
        Path file = dir.resolve("warm.olstm");
        Files.write(file, WeightsCodec.encode(weights));
        VersionedModel start = job(dir.resolve("store"), file, Map.of()).initialModel();
        assertEquals(1, start.version());
        assertTrue(weights.sameValues(start.weights(config)));
    }

    @Test
    void aReplayServesTheFileButWritesToNoStore(@TempDir Path dir) throws Exception {
        LstmConfig config = JobConfig.of(SMALL).model();
        ModelWeights weights = trained(config);
        Path file = dir.resolve("warm.safetensors");
        Files.write(file, SafetensorsWeights.encode(weights, "delta", 1));
        Path storeDir = dir.resolve("store");

        VersionedModel start = job(storeDir, file, Map.of()).replayInitialModel();
        assertEquals(1, start.version());
        assertTrue(weights.sameValues(start.weights(config)));
        assertTrue(new ModelStore(storeDir.toUri().toString()).committed().isEmpty());
        assertEquals(1, job(null, file, Map.of()).replayInitialModel().version());
    }

    @Test
    void theFixtureWrittenInPythonStartsAJobOfItsConfiguration(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fixture.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/safetensors/fixture.safetensors")) {
            Files.write(file, in.readAllBytes());
        }
        JobConfig fixtureJob = job(dir.resolve("store"), file, Map.of("model.features", "2", "model.hidden-size", "3",
                "model.layers", "2", "model.horizon", "2"));
        VersionedModel start = fixtureJob.initialModel();
        ModelWeights expected = SafetensorsWeights.decode(SafetensorsFile.parse(Files.readAllBytes(file)), fixtureJob.model());
        assertTrue(expected.sameValues(start.weights(fixtureJob.model())));

        // With the job's default configuration instead, the error says which options to set.
        String wrong = assertThrows(IllegalArgumentException.class,
                () -> job(dir.resolve("other"), file, Map.of("model.features", "2", "forecaster.target", "level"))
                        .initialModel()).getMessage();
        assertTrue(wrong.contains("--model.hidden-size is 3 in the file and 8 in the job"), wrong);
        assertTrue(wrong.contains("--model.layers is 2 in the file and 1 in the job"), wrong);
        assertTrue(wrong.contains("--forecaster.target is delta in the file and level in the job"), wrong);
        assertTrue(wrong.contains("Run the job with --model.hidden-size 3 --model.layers 2 --model.horizon 2"
                + " --forecaster.target delta"), wrong);
        assertTrue(!wrong.contains("--model.features is"), "features match: " + wrong);
        assertTrue(new ModelStore(dir.resolve("other").toUri().toString()).committed().isEmpty(),
                "a refused file never enters the store");
    }

    @Test
    void aWeightsFileOfAnotherArchitectureNamesTheOptionsAndAMissingFileSaysWhatToGive(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.olstm");
        Files.write(file, WeightsCodec.encode(WeightInitializer.initialize(
                LstmConfig.builder().hiddenSize(16).layers(1).build())));
        String wrong = assertThrows(IllegalArgumentException.class,
                () -> job(dir.resolve("store"), file, Map.of()).initialModel()).getMessage();
        assertTrue(wrong.contains("--model.hidden-size is 16 in the file and 8 in the job")
                && wrong.contains("--model.hidden-size 16"), wrong);

        String missing = assertThrows(IllegalArgumentException.class,
                () -> job(dir.resolve("store"), dir.resolve("nothing.safetensors"), Map.of()).initialModel()).getMessage();
        assertTrue(missing.contains("Cannot read --model.initial") && missing.contains("nothing.safetensors"), missing);

        Path csv = dir.resolve("history.csv");
        Files.writeString(csv, "time,a\n1,2\n");
        String notAModel = assertThrows(IllegalArgumentException.class,
                () -> job(dir.resolve("store"), csv, Map.of()).initialModel()).getMessage();
        assertTrue(notAModel.contains("neither a safetensors file nor a weights file"), notAModel);

        Path cut = dir.resolve("cut.olstm");
        byte[] whole = WeightsCodec.encode(trained(JobConfig.of(SMALL).model()));
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 10));
        String corrupt = assertThrows(IllegalArgumentException.class,
                () -> job(dir.resolve("store"), cut, Map.of()).initialModel()).getMessage();
        assertTrue(corrupt.startsWith("--model.initial " + cut) && corrupt.contains("corrupted"), corrupt);
    }
}
