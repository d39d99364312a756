package io.onlinelstm.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onlinelstm.anomaly.AnomalySettings;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.io.Reading;
import io.onlinelstm.training.TrainingSettings;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot written by the previous release (series state in the flat format 1, the serving model
 * in union list state) restores into today's forecaster, which then forecasts, scores and serves
 * exactly as the old one did after the same snapshot.
 *
 * <p>The resources were written by that release's forecaster ({@code ForecastOperator} with these
 * settings; 3 sine series, 150 readings, an update to version 1 after the 120th), before this
 * release changed the state's shape: forecaster-format1.snapshot is its snapshot after 150
 * readings, and forecaster-format1-continuation.csv its output for the next 30.
 */
class StateUpgradeTest {

    static ForecasterSettings settings() {
        return ForecasterHarness.settings(8, Duration.ofHours(1))
                .withTraining(TrainingSettings.defaults(), false)
                .withAnomaly(new AnomalySettings(0.9, 10, 30, 3, Duration.ofMinutes(5)));
    }

    @Test
    void aSnapshotOfThePreviousFormatRestoresAndForecastsIdentically(@TempDir Path tmp) throws Exception {
        Path snapshotFile = tmp.resolve("forecaster-format1.snapshot");
        try (InputStream in = getClass().getResourceAsStream("/upgrade/forecaster-format1.snapshot")) {
            Files.copy(in, snapshotFile);
        }
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(snapshotFile.toString());
        List<String[]> expected;
        try (InputStream in = getClass().getResourceAsStream("/upgrade/forecaster-format1-continuation.csv")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1)
                    .map(l -> l.split(",")).toList();
        }
        List<Reading> readings = ForecasterHarness.sines(3, 60, 11).subList(150, 180);
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, Reading, ModelUpdate, Forecast>(
                new ForecastOperator(settings()), r -> r.key, u -> "", Types.STRING)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            assertEquals(3, h.numKeyedStateEntries());
            assertEquals(1, ((ForecastOperator) h.getOperator()).modelVersion(), "the serving version survives");
            for (Reading r : readings) {
                h.processElement1(new StreamRecord<>(r, r.ts));
            }
            h.endInput1();
            List<Forecast> actual = h.extractOutputValues();
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < actual.size(); i++) {
                String[] e = expected.get(i);
                Forecast a = actual.get(i);
                String at = "forecast " + i + " (" + a.key + ", " + a.ts + ")";
                assertEquals(e[0], a.key, at);
                assertEquals(Long.parseLong(e[1]), a.ts, at);
                // This release keeps h and c as halves between readings (the earlier one kept floats):
                // the forecasts agree to about 1e-4 (measured: at most 1.3e-4 on these series), not
                // to the float; anything beyond a thousandth would be a restore that went wrong.
                double expectedForecast = Double.parseDouble(e[3]);
                double tolerance = 1e-3;
                assertEquals(expectedForecast, a.forecast[0], tolerance, at);
                assertEquals(Double.parseDouble(e[4]), a.error, tolerance, at);
                // The detector changed with this release: it learns each restored series afresh, so its
                // scores are those of the warm-up (the forecasts are the earlier release's exactly).
                assertEquals(0.0, a.anomalyScore, at);
                assertEquals(Long.parseLong(e[6]), a.modelVersion, at);
            }
            // Written back in today's format, the state restores again.
            h.prepareSnapshotPreBarrier(2);
            OperatorSubtaskState again = h.snapshot(2, 2);
            try (var h2 = new KeyedTwoInputStreamOperatorTestHarness<String, Reading, ModelUpdate, Forecast>(
                    new ForecastOperator(settings()), r -> r.key, u -> "", Types.STRING)) {
                h2.setup();
                h2.initializeState(again);
                h2.open();
                assertEquals(3, h2.numKeyedStateEntries());
                assertEquals(1, ((ForecastOperator) h2.getOperator()).modelVersion());
            }
        }
    }

    /** With combining on, restored series start the combination afresh and go on forecasting. */
    @Test
    void aSnapshotOfThePreviousFormatRestoresWithAFreshCombination(@TempDir Path tmp) throws Exception {
        Path snapshotFile = tmp.resolve("forecaster-format1.snapshot");
        try (InputStream in = getClass().getResourceAsStream("/upgrade/forecaster-format1.snapshot")) {
            Files.copy(in, snapshotFile);
        }
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(snapshotFile.toString());
        List<Reading> readings = ForecasterHarness.sines(3, 60, 11).subList(150, 180);
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, Reading, ModelUpdate, Forecast>(
                new ForecastOperator(settings().withCombine(CombineStageTest.DEFAULTS)), r -> r.key, u -> "",
                Types.STRING)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            for (Reading r : readings) {
                h.processElement1(new StreamRecord<>(r, r.ts));
            }
            h.endInput1();
            List<Forecast> actual = h.extractOutputValues();
            assertEquals(readings.size(), actual.size());
            for (Forecast f : actual) {
                assertEquals(1.0, f.weights.lstm + f.weights.ar + f.weights.persistence, 1e-9);
                org.junit.jupiter.api.Assertions.assertNotNull(f.error, "the restored last forecast is scored");
            }
        }
    }
}
