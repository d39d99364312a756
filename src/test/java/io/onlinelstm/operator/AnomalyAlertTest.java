package io.onlinelstm.operator;

import static io.onlinelstm.operator.ForecasterHarness.feed;
import static io.onlinelstm.operator.ForecasterHarness.open;
import static io.onlinelstm.operator.ForecasterHarness.reading;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.anomaly.AnomalySettings;
import io.onlinelstm.io.Alert;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.training.VersionedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

/** Alerts from forecast residuals on a synthetic series with injected spikes and a level shift. */
class AnomalyAlertTest {

    /** Readings are one minute apart. */
    private static final long MINUTE = 60_000L;
    /** An alert must come within this many readings of the anomaly it reports. */
    private static final int MAX_DELAY = 3;

    private static final double THRESHOLD = 0.7;

    private static List<Alert> raised(java.util.Collection<? extends StreamRecord<Alert>> records) {
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue)
                .filter(a -> Alert.RAISED.equals(a.type)).toList();
    }

    private static ForecasterSettings settings(Duration quiet, int warmup) {
        // A delta network with a zero head forecasts persistence: residuals are plain changes.
        return ForecasterHarness.settings(1, Duration.ofHours(1)).withTarget(ForecastTarget.DELTA)
                .withInitialModel(VersionedModel.of(0, WeightInitializer.initializeWithZeroHead(ForecasterHarness.SMALL_MODEL)))
                .withAnomaly(new AnomalySettings(THRESHOLD, warmup, 500, 3, quiet));
    }

    /** A calm noisy daily cycle; spikes at 1500 and 2500, a level shift from 3500. */
    static List<Reading> series() {
        Random random = new Random(7);
        List<Reading> out = new ArrayList<>();
        for (int t = 0; t < 4_000; t++) {
            double v = 50 + 5 * Math.sin(2 * Math.PI * t / 1_440) + 0.5 * random.nextGaussian();
            if (t == 1_500 || t == 2_500) {
                v += 15;
            }
            if (t >= 3_500) {
                v += 12;
            }
            out.add(reading("pump-1", t * MINUTE, v));
        }
        return out;
    }

    @Test
    void alertsFireShortlyAfterEachAnomalyAndNeverInTheCalmStretches() throws Exception {
        try (var h = open(settings(Duration.ofMinutes(30), 200))) {
            feed(h, series());
            List<Long> alerts = raised(h.getSideOutput(BundlingForecastOperator.ALERTS)).stream()
                    .map(a -> a.ts / MINUTE).toList();
            for (long anomaly : new long[] {1_500, 2_500, 3_500}) {
                assertTrue(alerts.stream().anyMatch(a -> a >= anomaly && a <= anomaly + MAX_DELAY),
                        "no alert within " + MAX_DELAY + " readings of " + anomaly + ": " + alerts);
            }
            // Nothing in the long calm stretches between them.
            for (long a : alerts) {
                boolean nearAnomaly = (a >= 1_500 && a <= 1_540) || (a >= 2_500 && a <= 2_540) || a >= 3_500;
                assertTrue(nearAnomaly, "false alert at reading " + a + ": " + alerts);
            }
            Alert first = raised(h.getSideOutput(BundlingForecastOperator.ALERTS)).get(0);
            assertEquals("pump-1", first.key);
            assertTrue(first.score >= THRESHOLD && first.threshold == THRESHOLD);
            assertTrue(Math.abs(first.value - first.forecast) > 10, "the alert carries what was expected");
            assertTrue(first.lower < first.forecast && first.forecast < first.upper, "and the band around it");
            assertTrue(first.value > first.upper, "which the value left");
            assertNotNull(first.part, "and which part of the detector fired");
            // Each alert clears once the series has been quiet for the quiet period.
            long cleared = h.getSideOutput(BundlingForecastOperator.ALERTS).stream()
                    .filter(r -> Alert.CLEARED.equals(r.getValue().type)).count();
            assertTrue(cleared >= 2, "the spikes' alerts clear: " + cleared);
        }
    }

    @Test
    void debounceKeepsOneAlertPerSeriesWithinTheQuietPeriod() throws Exception {
        List<Reading> input = series();
        // A second spike 20 minutes after the first, inside the 30-minute quiet period. It is larger
        // than the first: a spike of the same size scores about 0.65 (the first one widened the
        // usual spread), and the first one's own echoes no longer alert (EchoFilter).
        input.set(1_520, reading("pump-1", 1_520 * MINUTE, input.get(1_520).value + 40));
        try (var quiet = open(settings(Duration.ofMinutes(30), 200)); var loud = open(settings(Duration.ZERO, 200))) {
            feed(quiet, input.subList(0, 1_600));
            feed(loud, input.subList(0, 1_600));
            assertEquals(1, raised(quiet.getSideOutput(BundlingForecastOperator.ALERTS)).size(),
                    "the second spike falls within the first one's open alert (quiet period of 30 minutes)");
            assertTrue(raised(loud.getSideOutput(BundlingForecastOperator.ALERTS)).size() >= 2,
                    "without a quiet period the first alert clears at once and the second spike alerts again");
        }
    }

    @Test
    void noScoreAndNoAlertDuringWarmUp() throws Exception {
        List<Reading> input = series();
        try (var h = open(settings(Duration.ZERO, 2_000))) {
            feed(h, input.subList(0, 1_600));
            List<Forecast> out = ForecasterHarness.forecasts(h);
            assertTrue(out.stream().allMatch(f -> f.anomalyScore == 0.0), "scores must be 0 in the warm-up");
            assertTrue(h.getSideOutput(BundlingForecastOperator.ALERTS) == null
                    || h.getSideOutput(BundlingForecastOperator.ALERTS).isEmpty());
        }
    }
}
