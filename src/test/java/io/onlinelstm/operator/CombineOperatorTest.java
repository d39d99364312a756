package io.onlinelstm.operator;

import static io.onlinelstm.operator.ForecasterHarness.feed;
import static io.onlinelstm.operator.ForecasterHarness.forecasts;
import static io.onlinelstm.operator.ForecasterHarness.open;
import static io.onlinelstm.operator.ForecasterHarness.reading;
import static io.onlinelstm.operator.ForecasterHarness.settings;
import static io.onlinelstm.operator.ForecasterHarness.sines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.job.JobConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The combination inside the forecaster: through the operator test harness, across snapshots. */
class CombineOperatorTest {

    private static final Duration NEVER = Duration.ofHours(1);
    static final CombineSettings COMBINE = CombineStageTest.DEFAULTS;

    @AfterEach
    void backToTheHeapBackend() {
        ForecasterHarness.use(ForecasterHarness.Backend.HEAP);
    }

    private static List<Forecast> run(ForecasterSettings settings, List<Reading> input) throws Exception {
        try (var h = open(settings)) {
            feed(h, input);
            h.endInput();
            return forecasts(h);
        }
    }

    @Test
    void everyForecastCarriesWeightsThatSumToOneAndItsErrorIsTheEmittedForecasts() throws Exception {
        List<Forecast> out = run(settings(32, NEVER).withCombine(COMBINE), sines(5, 60, 1));
        Map<String, Forecast> previous = new HashMap<>();
        int withInterval = 0;
        for (Forecast f : out) {
            assertNotNull(f.weights, "weights on every forecast");
            assertEquals(1.0, f.weights.lstm + f.weights.ar + f.weights.persistence, 1e-9);
            Forecast p = previous.put(f.key, f);
            if (p != null) {
                assertEquals(f.value - p.forecast[0], f.error, 1e-9, "the error is the emitted (combined) forecast's");
            }
            if (f.lower != null) {
                withInterval++;
                assertTrue(f.lower <= f.forecast[0] && f.forecast[0] <= f.upper, "the interval holds the forecast");
            }
        }
        assertTrue(withInterval > 200, "intervals once a series has scored forecasts: " + withInterval);
        for (Forecast f : run(settings(32, NEVER), sines(2, 5, 1))) {
            assertNull(f.weights, "combining off: the network's forecast as it is");
            assertNull(f.lower);
        }
    }

    @ParameterizedTest
    @EnumSource(ForecasterHarness.Backend.class)
    void weightsAndForecastsSurviveSnapshotAndRestore(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        ForecasterSettings settings = settings(16, NEVER).withCombine(COMBINE);
        List<Reading> input = sines(6, 80, 2);
        List<Forecast> uninterrupted = run(settings, input);
        List<Forecast> resumed = ForecasterHarness.resumedAcrossASnapshot(settings, input, input.size() / 2,
                h -> h.snapshot(1L, 1L));
        assertEquals(uninterrupted.size(), resumed.size());
        Map<String, List<Forecast>> e = byKey(uninterrupted);
        Map<String, List<Forecast>> a = byKey(resumed);
        for (String key : e.keySet()) {
            for (int i = 0; i < e.get(key).size(); i++) {
                Forecast x = e.get(key).get(i);
                Forecast y = a.get(key).get(i);
                String at = key + " #" + i;
                assertEquals(x.forecast[0], y.forecast[0], 0f, at);
                assertEquals(x.weights.lstm, y.weights.lstm, 0.0, at);
                assertEquals(x.weights.ar, y.weights.ar, 0.0, at);
                assertEquals(x.weights.persistence, y.weights.persistence, 0.0, at);
                assertEquals(x.lower, y.lower, at);
                assertEquals(x.error, y.error, at);
            }
        }
    }

    /** Through the whole forecaster: a random (untrained) level network, an AR(2) series; the AR wins. */
    @Test
    void onAnAr2SeriesTheOperatorsCombinationFollowsTheAutoregression() throws Exception {
        double[] x = CombineStageTest.ar2(3_000, 11);
        List<Reading> input = new ArrayList<>();
        for (int t = 0; t < x.length; t++) {
            input.add(reading("ar2", 1_000L * t, x[t]));
        }
        List<Forecast> out = run(settings(64, NEVER).withCombine(COMBINE), input);
        double ar = 0;
        double squared = 0;
        double persistence = 0;
        int n = 0;
        for (Forecast f : out.subList(2_000, out.size())) {
            ar += f.weights.ar;
            squared += f.error * f.error;
            persistence += f.persistenceError * f.persistenceError;
            n++;
        }
        assertTrue(ar / n > 0.9, "AR's weight dominates: " + ar / n);
        assertTrue(squared / n < 1.15, "combined MSE near the innovation variance 1: " + squared / n);
        assertTrue(squared < 0.8 * persistence, "and well below persistence's");
    }

    /**
     * Horizon 2: both values are combined (the second with the autoregression iterated two steps),
     * so both differ from the network's; the weights are the first value's.
     */
    @Test
    void withALongerHorizonEveryValueIsCombined() throws Exception {
        ForecasterSettings two = new ForecasterSettings(ForecasterHarness.SMALL_MODEL.toBuilder().horizon(2).build(),
                io.onlinelstm.model.ComputeDevice.CPU, 8, NEVER, 4, OutOfOrderPolicy.DEAD_LETTER, Duration.ZERO);
        List<Reading> input = sines(2, 40, 5);
        List<Forecast> network = run(two, input);
        List<Forecast> combined = run(two.withCombine(COMBINE), input);
        assertEquals(network.size(), combined.size());
        int[] differ = new int[2];
        for (int i = 0; i < network.size(); i++) {
            assertEquals(2, combined.get(i).forecast.length);
            for (int k = 0; k < 2; k++) {
                assertTrue(Float.isFinite(combined.get(i).forecast[k]));
                differ[k] += network.get(i).forecast[k] != combined.get(i).forecast[k] ? 1 : 0;
            }
        }
        assertTrue(differ[0] > network.size() / 2, "the first value is combined: " + differ[0]);
        assertTrue(differ[1] > network.size() / 2, "the second value is combined: " + differ[1]);
    }

    /** The job's default per-series state (2 x 64 network, window 32, anomaly, AR over 24 lags): 4 KB at most. */
    @Test
    void theDefaultStatePerSeriesStaysWithinFourKilobytes() throws Exception {
        ForecasterSettings defaults = JobConfig.defaults().forecaster();
        assertNotNull(defaults.combine(), "combining is on by default");
        Map<String, Integer> parts = StateFootprint.ofOneSeries(defaults, 300);
        int total = parts.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(parts.get("combine") > 1_000, "the AR's covariance is in it: " + parts);
        assertTrue(total <= 4_096, "bytes per series " + total + ": " + parts);
        System.out.println("Default state bytes per series: " + total + " " + parts);
    }

    private static Map<String, List<Forecast>> byKey(List<Forecast> forecasts) {
        Map<String, List<Forecast>> m = new HashMap<>();
        for (Forecast f : forecasts) {
            m.computeIfAbsent(f.key, k -> new ArrayList<>()).add(f);
        }
        return m;
    }
}
