package io.onlinelstm.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.job.JobConfig;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.SafetensorsFile;
import io.onlinelstm.model.SafetensorsWeights;
import io.onlinelstm.model.WeightsCodec;
import io.onlinelstm.operator.ForecastTarget;
import io.onlinelstm.state.StepState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --save-model} writes the network the replay ended with, and a replay started from
 * that file with {@code model.initial} serves exactly that network from its first reading.
 */
class WarmStartReplayTest {

    private static final int ROWS = 300;
    private static final Map<String, String> SMALL = Map.of(
            "model.hidden-size", "8", "model.layers", "1", "forecaster.window", "12",
            "training.stride", "2", "training.min-windows", "64", "training.every-windows", "64",
            "training.holdout-windows", "16", "training.steps", "5", "training.batch-size", "16",
            // Every candidate is published, so the saved network is a trained one, not the fresh start.
            "training.tolerance", "100");

    private static ReplayRunner.Settings settings(Path dir, Path file, String name, JobConfig job) {
        return new ReplayRunner.Settings(name, file, new HistoryFormat(HistoryFormat.Layout.WIDE, "time", "key", "value", "auto"),
                job, new ScoreSettings(100, ROWS, false, 0, 100, 24, 24, 0.999), dir.resolve(name + "-forecasts.csv"),
                dir.resolve(name + "-summary.json"), null, List.of(), -1, 120, false, null);
    }

    private static void replay(ReplayRunner.Settings s, Path saveModel) throws Exception {
        ReplayRunner.run(s, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), saveModel);
    }

    @Test
    void aReplayStartedFromTheSavedNetworkForecastsWithItFromTheFirstReading(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("synthetic.csv");
        Files.writeString(file, ReplayRunnerTest.syntheticWide(4));
        Path saved = dir.resolve("ended.safetensors");
        JobConfig training = JobConfig.of(SMALL);
        replay(settings(dir, file, "first", training), saved);

        // The file holds the version the first replay ended on, a trained one: the last forecasts' version, or a newer
        // one when a round published after the last bundle.
        List<String[]> first = rows(dir.resolve("first-forecasts.csv"));
        long lastServed = Long.parseLong(first.get(first.size() - 1)[4]);
        assertTrue(lastServed > 0, "the first replay must publish a version for this test to mean anything");
        SafetensorsFile stored = SafetensorsFile.parse(Files.readAllBytes(saved));
        long savedVersion = Long.parseLong(stored.metadata().get(SafetensorsWeights.KEY_MODEL_VERSION));
        assertTrue(savedVersion == lastServed || savedVersion == lastServed + 1, savedVersion + " after " + lastServed);
        LstmConfig config = training.model();
        ModelWeights weights = SafetensorsWeights.decode(stored, config);

        // Started from it, without training (no round before a million windows) and the network's forecasts as they are.
        Map<String, String> warm = new HashMap<>(SMALL);
        warm.put("model.initial", saved.toString());
        warm.put("training.min-windows", "1000000");
        warm.put("forecaster.combine", "false");
        replay(settings(dir, file, "warm", JobConfig.of(warm)), null);
        List<String[]> second = rows(dir.resolve("warm-forecasts.csv"));
        assertEquals(ROWS * 3, second.size());

        // The same network stepped here, over series s2 with the job's normalisation, outside Flink.
        Map<Long, Double> expected = new HashMap<>();
        boolean differsFromPersistence = false;
        HistoryFile h = HistoryFile.read(file, ScorerTest.format(HistoryFormat.Layout.WIDE));
        try (LstmModel model = LstmModel.create(weights, ComputeDevice.CPU)) {
            StepState state = StepState.create(config.stateSize(), 1);
            float[][] hs = {new float[config.stateSize()]};
            float[][] cs = {new float[config.stateSize()]};
            for (int r = 0; r < ROWS; r++) {
                double value = h.value(1, r);
                state.observe(new double[] {value});
                LstmModel.StepResult step = model.step(new float[][] {{state.normalise(0, value)}}, hs, cs);
                // The job keeps h and c as halves between readings (StepState): so does the reference.
                hs = io.onlinelstm.state.HalvedState.rounded(step.h());
                cs = io.onlinelstm.state.HalvedState.rounded(step.c());
                double forecast = value + step.forecasts()[0][0] * state.changeScale();
                expected.put(h.time(r), forecast);
                differsFromPersistence |= Math.abs(forecast - value) > 1e-3;
                state.lastValue = value;
            }
        }
        assertTrue(differsFromPersistence, "a trained network that only repeats the value would prove little");
        int compared = 0;
        for (String[] row : second) {
            assertEquals("1", row[4], "model.initial is served as version 1");
            if (row[0].equals("s2")) {
                double want = expected.get(Long.parseLong(row[1]));
                assertEquals(want, Double.parseDouble(row[3]), 1e-4 * Math.max(1, Math.abs(want)), "forecast at " + row[1]);
                compared++;
            }
        }
        assertEquals(ROWS, compared);
    }

    @Test
    void theFileTypeFollowsTheExtension(@TempDir Path dir) throws Exception {
        LstmConfig config = LstmConfig.builder().hiddenSize(4).layers(2).build();
        ModelWeights weights = io.onlinelstm.model.WeightInitializer.initialize(config);
        Path st = dir.resolve("m.safetensors");
        Path own = dir.resolve("m.olstm");
        SavedModel.write(st, weights, ForecastTarget.DELTA, 7);
        SavedModel.write(own, weights, ForecastTarget.DELTA, 7);
        assertTrue(weights.sameValues(SafetensorsWeights.decode(SafetensorsFile.parse(Files.readAllBytes(st)), config)));
        assertTrue(weights.sameValues(WeightsCodec.decode(Files.readAllBytes(own), config)));
        assertTrue(SafetensorsFile.looksLike(Files.readAllBytes(st)));
        assertTrue(!SafetensorsFile.looksLike(Files.readAllBytes(own)));
    }

    private static List<String[]> rows(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        return lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
    }
}
