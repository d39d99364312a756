package io.onlinelstm.operator;

import static io.onlinelstm.operator.ForecasterHarness.feed;
import static io.onlinelstm.operator.ForecasterHarness.forecasts;
import static io.onlinelstm.operator.ForecasterHarness.open;
import static io.onlinelstm.operator.ForecasterHarness.reading;
import static io.onlinelstm.operator.ForecasterHarness.settings;
import static io.onlinelstm.operator.ForecasterHarness.sines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.state.SeriesState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BundlingForecastOperatorTest {

    @AfterEach
    void backToTheHeapBackend() {
        ForecasterHarness.use(ForecasterHarness.Backend.HEAP);
    }


    private static final Duration NEVER = Duration.ofHours(1);

    @Test
    void flushesWhenTheBundleIsFull() throws Exception {
        try (var h = open(settings(4, NEVER))) {
            feed(h, List.of(reading("a", 1, 1), reading("b", 1, 2), reading("c", 1, 3)));
            assertEquals(0, forecasts(h).size(), "a bundle of 3 must wait for the 4th reading");
            feed(h, List.of(reading("d", 1, 4)));
            assertEquals(List.of("a", "b", "c", "d"), keys(forecasts(h)));
        }
    }

    @Test
    void flushesWhenTheOldestReadingHasWaitedMaxWait() throws Exception {
        try (var h = open(settings(100, Duration.ofMillis(10)))) {
            h.setProcessingTime(1_000);
            feed(h, List.of(reading("a", 1, 1)));
            h.setProcessingTime(1_005);
            feed(h, List.of(reading("b", 1, 2)));
            h.setProcessingTime(1_009);
            assertEquals(0, forecasts(h).size());
            h.setProcessingTime(1_010);
            assertEquals(List.of("a", "b"), keys(forecasts(h)));
            // The next bundle gets its own timer.
            feed(h, List.of(reading("c", 1, 3)));
            h.setProcessingTime(1_019);
            assertEquals(2, forecasts(h).size());
            h.setProcessingTime(1_020);
            assertEquals(3, forecasts(h).size());
        }
    }

    @Test
    void flushesBeforeTheCheckpointBarrier() throws Exception {
        try (var h = open(settings(100, NEVER))) {
            feed(h, List.of(reading("a", 1, 1), reading("b", 1, 2)));
            h.prepareSnapshotPreBarrier(1L);
            assertEquals(2, forecasts(h).size());
        }
    }

    @Test
    void flushesOnWatermarkAndEmitsForecastsBeforeIt() throws Exception {
        try (var h = open(settings(100, NEVER))) {
            feed(h, List.of(reading("a", 10, 1), reading("b", 20, 2)));
            h.processWatermark(new Watermark(25));
            List<Object> output = new ArrayList<>(h.getOutput());
            assertEquals(3, output.size());
            assertInstanceOf(StreamRecord.class, output.get(0));
            assertInstanceOf(StreamRecord.class, output.get(1));
            assertEquals(new Watermark(25), output.get(2));
        }
    }

    @Test
    void flushesAtEndOfInput() throws Exception {
        try (var h = open(settings(100, NEVER))) {
            feed(h, List.of(reading("a", 1, 1)));
            h.endInput();
            assertEquals(1, forecasts(h).size());
        }
    }

    @ParameterizedTest
    @EnumSource(ForecasterHarness.Backend.class)
    void aSeriesTwiceInOneBundleIsSteppedInOrder(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        List<Reading> input = List.of(reading("a", 1, 10), reading("b", 1, 5), reading("a", 2, 12), reading("a", 3, 11));
        List<Forecast> bundled;
        try (var h = open(settings(100, NEVER))) {
            feed(h, input);
            h.endInput();
            bundled = forecasts(h);
        }
        List<Forecast> oneByOne = run(settings(1, NEVER), input);
        assertEquals(4, bundled.size());
        Map<String, List<Forecast>> byKey = bundled.stream().collect(Collectors.groupingBy(f -> f.key));
        assertEquals(List.of(1L, 2L, 3L), byKey.get("a").stream().map(f -> f.ts).toList());
        assertEquals(2.0, byKey.get("a").get(1).persistenceError, 1e-9);
        assertEquals(-1.0, byKey.get("a").get(2).persistenceError, 1e-9);
        assertSameForecasts(oneByOne, bundled, 1e-5);
    }

    @ParameterizedTest
    @EnumSource(ForecasterHarness.Backend.class)
    void eachSeriesStateIsReadAndWrittenOncePerBundleHoweverOftenItRepeats(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        // a four times, b three times, c once: one bundle of 8, three waves.
        List<Reading> input = List.of(reading("a", 1, 1), reading("a", 2, 2), reading("b", 1, 5), reading("a", 3, 3),
                reading("c", 1, 7), reading("b", 2, 6), reading("a", 4, 4), reading("b", 3, 4));
        List<Forecast> bundled;
        try (var h = open(settings(8, NEVER))) {
            feed(h, input);
            BundlingForecastOperator op = (BundlingForecastOperator) h.getOperator();
            assertEquals(List.of(3L, 3L), java.util.Arrays.stream(op.stateAccesses()).boxed().toList(),
                    "reads and writes after one bundle of three series");
            assertEquals(4, stateOf(h, "a").step.count);
            assertEquals(3, stateOf(h, "b").step.count);
            bundled = forecasts(h);
            feed(h, List.of(reading("a", 5, 5)));
            h.endInput();
            assertEquals(List.of(4L, 4L), java.util.Arrays.stream(op.stateAccesses()).boxed().toList());
        }
        assertEquals(8, bundled.size());
        assertSameForecasts(run(settings(1, NEVER), input), bundled, 1e-5);
    }

    @ParameterizedTest
    @EnumSource(ForecasterHarness.Backend.class)
    void bundledOutputEqualsPerRecordOutput(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        List<Reading> input = sines(50, 40, 1);
        List<Forecast> single = run(settings(1, NEVER), input);
        List<Forecast> bundled = run(settings(256, NEVER), input);
        assertEquals(input.size(), bundled.size());
        assertSameForecasts(single, bundled, 1e-5);
    }

    @ParameterizedTest
    @EnumSource(ForecasterHarness.Backend.class)
    void seriesDoNotLeakIntoEachOther(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        List<Reading> mixed = sines(5, 30, 2);
        List<Reading> alone = mixed.stream().filter(r -> r.key.equals("series-3")).toList();
        List<Forecast> fromMixed = run(settings(16, NEVER), mixed).stream().filter(f -> f.key.equals("series-3")).toList();
        List<Forecast> fromAlone = run(settings(16, NEVER), alone);
        assertSameForecasts(fromAlone, fromMixed, 1e-6);
    }

    @ParameterizedTest
    @EnumSource(ForecasterHarness.Backend.class)
    void snapshotThenRestoreGivesTheSameForecastsAsAnUninterruptedRun(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        List<Reading> input = sines(20, 30, 3);
        List<Forecast> uninterrupted = run(settings(32, NEVER), input);

        List<Forecast> resumed = ForecasterHarness.resumedAcrossASnapshot(settings(32, NEVER), input, input.size() / 2,
                h -> h.snapshot(1L, 1L));
        assertEquals(uninterrupted.size(), resumed.size());
        assertSameForecasts(uninterrupted, resumed, 0.0);
    }

    @ParameterizedTest
    @EnumSource(ForecasterHarness.Backend.class)
    void stateHoldsHAndCTheNormaliserTheLastValueAndTheWindow(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        try (var h = open(settings(8, NEVER))) {
            feed(h, List.of(reading("a", 1, 2.0), reading("a", 2, 4.0), reading("a", 3, 6.0), reading("b", 1, 1.0)));
            h.endInput();
            assertEquals(2, seriesWithState(h));
            SeriesState a = stateOf(h, "a");
            assertEquals(3, a.step.count);
            assertEquals(4.0, a.step.mean[0], 1e-12);
            assertEquals(8.0, a.step.m2[0], 1e-12);
            assertEquals(6.0, a.step.lastValue);
            assertEquals(3, a.step.lastTs);
            assertEquals(3, a.window.fill);
            assertEquals(2 * 8, a.step.h.length);
            assertTrue(maxAbsHalf(a.step.c) > 0, "c was never written back");
            float[] newest = new float[1];
            a.window.entry(0, newest);
            // Normalised with the statistics that include the reading: (6 - 4) / sqrt(8 / 3).
            assertEquals(2 / Math.sqrt(8.0 / 3), newest[0], 1e-6);
            List<Forecast> ofA = forecasts(h).stream().filter(f -> f.key.equals("a")).toList();
            Forecast last = ofA.get(ofA.size() - 1);
            assertEquals(a.step.lastForecast[0], last.forecast[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(ForecasterHarness.Backend.class)
    void outOfOrderAndDuplicateReadingsGoToDeadLettersAndLeaveStateUnchanged(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        List<Reading> clean = List.of(reading("a", 10, 1), reading("a", 20, 2), reading("a", 30, 3));
        List<Forecast> expected = run(settings(1, NEVER), clean);
        try (var h = open(settings(1, NEVER))) {
            feed(h, List.of(reading("a", 10, 1), reading("a", 20, 2), reading("a", 20, 99), reading("a", 5, 98),
                    reading("a", 30, 3)));
            List<StreamRecord<DeadLetter>> dead = new ArrayList<>(h.getSideOutput(BundlingForecastOperator.DEAD_LETTERS));
            assertEquals(List.of("duplicate_ts", "out_of_order"), dead.stream().map(r -> r.getValue().reason).toList());
            assertTrue(dead.get(0).getValue().payload.contains("\"value\":99.0"), dead.get(0).getValue().payload);
            assertSameForecasts(expected, forecasts(h), 0.0);
        }
    }

    @Test
    void acceptPolicyStepsOutOfOrderReadings() throws Exception {
        ForecasterSettings s = settings(1, NEVER);
        ForecasterSettings accept = new ForecasterSettings(s.model(), s.device(), 1, NEVER, 4, OutOfOrderPolicy.ACCEPT, Duration.ZERO);
        try (var h = open(accept)) {
            feed(h, List.of(reading("a", 10, 1), reading("a", 5, 2)));
            assertEquals(2, forecasts(h).size());
            assertEquals(0, h.getSideOutput(BundlingForecastOperator.DEAD_LETTERS) == null ? 0
                    : h.getSideOutput(BundlingForecastOperator.DEAD_LETTERS).size());
        }
    }

    @ParameterizedTest
    @EnumSource(ForecasterHarness.Backend.class)
    void quietSeriesLoseTheirStateAfterTheTtl(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        ForecasterSettings ttl = withTenMinuteTtl();
        try (var h = open(ttl)) {
            h.setStateTtlProcessingTime(0);
            feed(h, List.of(reading("a", 10, 1)));
            h.setStateTtlProcessingTime(Duration.ofMinutes(5).toMillis());
            feed(h, List.of(reading("a", 20, 2)));
            assertNotNull(forecasts(h).get(1).persistenceError, "within the TTL the series continues");
            h.setStateTtlProcessingTime(Duration.ofMinutes(16).toMillis());
            feed(h, List.of(reading("a", 30, 3)));
            assertNull(forecasts(h).get(2).persistenceError, "after the TTL the series starts afresh");
        }
    }

    @ParameterizedTest
    @EnumSource(ForecasterHarness.Backend.class)
    void refusedReadingsDoNotKeepAQuietSeriesAlive(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        ForecasterSettings ttl = withTenMinuteTtl();
        try (var h = open(ttl)) {
            h.setStateTtlProcessingTime(0);
            feed(h, List.of(reading("a", 10, 1)));
            // Duplicates all along: refused, and no write of the series' state, so its TTL runs on.
            for (int minute = 2; minute <= 8; minute += 3) {
                h.setStateTtlProcessingTime(Duration.ofMinutes(minute).toMillis());
                feed(h, List.of(reading("a", 10, 1)));
            }
            assertEquals(3, h.getSideOutput(BundlingForecastOperator.DEAD_LETTERS).size());
            BundlingForecastOperator op = (BundlingForecastOperator) h.getOperator();
            assertEquals(1L, op.stateAccesses()[1], "only the accepted reading wrote the state");
            h.setStateTtlProcessingTime(Duration.ofMinutes(11).toMillis());
            feed(h, List.of(reading("a", 30, 3)));
            assertNull(forecasts(h).get(1).persistenceError, "ten minutes after its last accepted reading it starts afresh");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static ForecasterSettings withTenMinuteTtl() {
        ForecasterSettings s = settings(1, NEVER);
        return new ForecasterSettings(s.model(), s.device(), 1, NEVER, 4, OutOfOrderPolicy.DEAD_LETTER, Duration.ofMinutes(10));
    }

    private static List<Forecast> run(ForecasterSettings settings, List<Reading> input) throws Exception {
        try (var h = open(settings)) {
            feed(h, input);
            h.endInput();
            return forecasts(h);
        }
    }

    /** Same forecasts per series, in per-series order (bundles may interleave series differently). */
    static void assertSameForecasts(List<Forecast> expected, List<Forecast> actual, double tolerance) {
        Map<String, List<Forecast>> e = byKey(expected);
        Map<String, List<Forecast>> a = byKey(actual);
        assertEquals(e.keySet(), a.keySet());
        for (String key : e.keySet()) {
            List<Forecast> ek = e.get(key);
            List<Forecast> ak = a.get(key);
            assertEquals(ek.size(), ak.size(), "forecasts of " + key);
            for (int i = 0; i < ek.size(); i++) {
                assertEquals(ek.get(i).ts, ak.get(i).ts, key + " #" + i);
                assertEquals(ek.get(i).forecast[0], ak.get(i).forecast[0], tolerance * Math.max(1, Math.abs(ek.get(i).forecast[0])),
                        key + " #" + i);
            }
        }
    }

    private static Map<String, List<Forecast>> byKey(List<Forecast> forecasts) {
        Map<String, List<Forecast>> m = new HashMap<>();
        for (Forecast f : forecasts) {
            m.computeIfAbsent(f.key, k -> new ArrayList<>()).add(f);
        }
        return m;
    }

    private static List<String> keys(List<Forecast> forecasts) {
        return forecasts.stream().map(f -> f.key).toList();
    }

    private static SeriesState stateOf(KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> h, String key)
            throws Exception {
        BundlingForecastOperator op = (BundlingForecastOperator) h.getOperator();
        return op.stateOf(key);
    }

    /** Series with a state entry, counted through the keyed backend (works on heap and RocksDB alike). */
    private static long seriesWithState(KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> h) {
        org.apache.flink.runtime.state.KeyedStateBackend<?> backend = h.getOperator().getKeyedStateBackend();
        try (var keys = backend.getKeys("series-state", org.apache.flink.runtime.state.VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    private static double maxAbsHalf(short[] halves) {
        float[] a = new float[halves.length];
        io.onlinelstm.state.HalfFloat.toFloats(halves, a);
        return maxAbs(a);
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void aDeltaNetworkWithAZeroHeadForecastsPersistence() throws Exception {
        ForecasterSettings delta = settings(4, NEVER).withTarget(ForecastTarget.DELTA).withInitialModel(
                io.onlinelstm.training.VersionedModel.of(0,
                        io.onlinelstm.model.WeightInitializer.initializeWithZeroHead(ForecasterHarness.SMALL_MODEL)));
        List<Reading> input = sines(3, 10, 4);
        for (Forecast f : run(delta, input)) {
            assertEquals((float) f.value, f.forecast[0], 1e-4f, "a zero change forecasts the current value");
        }
        // The same weights read as levels forecast the series' running mean instead.
        ForecasterSettings level = delta.withTarget(ForecastTarget.LEVEL);
        Forecast last = run(level, input).get(input.size() - 1);
        assertTrue(Math.abs(last.forecast[0] - last.value) > 1e-3, "level output should not equal the value");
    }
}
