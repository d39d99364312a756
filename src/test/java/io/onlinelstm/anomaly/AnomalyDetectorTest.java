package io.onlinelstm.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.state.AnomalyState;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The detector on synthetic series: a calm daily cycle with noise, readings a minute apart, and
 * one kind of anomaly from reading {@link #ONSET}. Errors are persistence's, as a network at
 * version 0 makes them. Each anomaly must be found within a stated delay, with no anomalous
 * reading in the calm stretch before it.
 */
class AnomalyDetectorTest {

    private static final int ONSET = 4_000;
    private static final int LENGTH = 4_300;
    private static final AnomalySettings SETTINGS = AnomalySettings.defaults();

    /** Calm values with {@code anomaly} applied to (t, value) from the onset on. */
    private static double[] series(long seed, java.util.function.BiFunction<Integer, Double, Double> anomaly) {
        Random random = new Random(seed);
        double noise = 0;
        double[] v = new double[LENGTH];
        for (int t = 0; t < LENGTH; t++) {
            noise = 0.5 * noise + 0.5 * random.nextGaussian();
            double calm = 50 + 8 * Math.sin(2 * Math.PI * t / 1_440) + noise;
            v[t] = t >= ONSET ? anomaly.apply(t, calm) : calm;
        }
        return v;
    }

    /** Scores of every reading, persistence's errors in units of the typical change before it. */
    private static AnomalyDetector.Score[] scores(double[] v) {
        return CalmSeriesCheck.persistenceScores(new AnomalyDetector(SETTINGS), new AnomalyState(), v);
    }

    /**
     * The first anomalous reading from the onset, minus the onset; fails if the calm stretch before
     * it has more than one (the target is at most one false alert per 10,000 calm readings, and the
     * range part may find one new extreme of the noise).
     */
    private static int delay(double[] v) {
        AnomalyDetector.Score[] s = scores(v);
        java.util.List<String> falseAlarms = new java.util.ArrayList<>();
        for (int t = 0; t < ONSET; t++) {
            if (s[t].score() >= SETTINGS.threshold()) {
                falseAlarms.add(t + ": " + s[t]);
            }
        }
        assertTrue(falseAlarms.size() <= 1, "false alarms in the calm stretch: " + falseAlarms);
        for (int t = ONSET; t < LENGTH; t++) {
            if (s[t].score() >= SETTINGS.threshold()) {
                return t - ONSET;
            }
        }
        return Integer.MAX_VALUE;
    }

    @Test
    void aSpikeIsFoundAtOnce() {
        for (long seed = 1; seed <= 3; seed++) {
            // 25 typical changes (0.58) up, inside the range the daily cycle has shown.
            int delay = delay(series(seed, (t, v) -> t == ONSET ? v + 25 * 0.58 : v));
            assertEquals(0, delay, "seed " + seed);
        }
    }

    @Test
    void aLevelShiftIsFoundWithinFiveReadings() {
        for (long seed = 1; seed <= 3; seed++) {
            assertTrue(delay(series(seed, (t, v) -> v + 5)) <= 5, "seed " + seed);
        }
    }

    @Test
    void aRiseInVarianceIsFoundWithinTwentyReadings() {
        for (long seed = 1; seed <= 3; seed++) {
            Random extra = new Random(seed + 100);
            assertTrue(delay(series(seed, (t, v) -> v + 2.5 * extra.nextGaussian())) <= 20, "seed " + seed);
        }
    }

    @Test
    void aChangeOfFrequencyIsFoundWithinAnHour() {
        for (long seed = 1; seed <= 3; seed++) {
            // The daily cycle turns into a two-hour one of the same amplitude: no step is unusual,
            // the values are not where this time of day has them.
            DoubleUnaryOperator daily = t -> 8 * Math.sin(2 * Math.PI * t / 1_440);
            DoubleUnaryOperator fast = t -> 8 * Math.sin(2 * Math.PI * t / 120);
            int delay = delay(series(seed, (t, v) -> v - daily.applyAsDouble(t) + fast.applyAsDouble(t)));
            assertTrue(delay <= 60, "seed " + seed + ": " + delay);
        }
    }

    @Test
    void aFlatlineIsFoundOnItsFifthRepeat() {
        for (long seed = 1; seed <= 3; seed++) {
            double[] v = series(seed, (t, x) -> x);
            double stuck = v[ONSET];
            for (int t = ONSET; t < LENGTH; t++) {
                v[t] = stuck;
            }
            AnomalyDetector.Score[] s = scores(v);
            assertEquals(AnomalyDetector.Part.FLAT, s[ONSET + AnomalyDetector.MIN_FLAT_RUN].part(), "seed " + seed);
            assertEquals(AnomalyDetector.MIN_FLAT_RUN, delay(v), "seed " + seed);
        }
    }

    /**
     * A bursty series: activity (noise around 1) separated by idle stretches at exactly 0, each
     * twice as long as the one before (3 to 768 readings), as a key or a queue that is mostly idle.
     */
    private static double[] burstySeries(long seed) {
        Random random = new Random(seed);
        double[] v = new double[LENGTH];
        int idle = 3;
        int t = 0;
        while (t < LENGTH) {
            for (int i = 0; i < 200 && t < LENGTH; i++, t++) {
                v[t] = 1 + 0.1 * random.nextGaussian();
            }
            for (int i = 0; i < idle && t < LENGTH; i++, t++) {
                v[t] = 0;
            }
            idle *= 2;
        }
        return v;
    }

    @Test
    void aSeriesRestingAtItsFloorIsNotAFlatline() {
        for (long seed = 1; seed <= 3; seed++) {
            AnomalyDetector.Score[] s = scores(burstySeries(seed));
            for (int t = 0; t < s.length; t++) {
                assertTrue(s[t].part() != AnomalyDetector.Part.FLAT, "seed " + seed + " at " + t + ": " + s[t]);
            }
        }
    }

    @Test
    void aSensorStuckAtANewLowIsStillAFlatline() {
        for (long seed = 1; seed <= 3; seed++) {
            double[] v = series(seed, (t, x) -> x);
            double low = java.util.Arrays.stream(v, 0, ONSET).min().orElseThrow();
            // Just under the lowest value so far (within the range tolerance): the range part stays
            // quiet, the run starts at a new floor, not one the series has rested at.
            for (int t = ONSET; t < LENGTH; t++) {
                v[t] = low - 0.01;
            }
            AnomalyDetector.Score[] s = scores(v);
            assertEquals(AnomalyDetector.Part.FLAT, s[ONSET + AnomalyDetector.MIN_FLAT_RUN].part(), "seed " + seed);
            assertEquals(AnomalyDetector.MIN_FLAT_RUN, delay(v), "seed " + seed);
        }
    }

    @Test
    void aValueBeyondTheRangeScoresOneAndSaysSo() {
        AnomalyDetector.Score[] s = scores(series(4, (t, v) -> t == ONSET ? 100.0 : v));
        assertEquals(1.0, s[ONSET].score());
        assertTrue(s[ONSET].part() == AnomalyDetector.Part.RANGE, s[ONSET].toString());
    }

    @Test
    void nothingFiresDuringTheWarmUpAndTheRangeWaitsForADay() {
        // A series that only rises: every value is a new maximum.
        double[] v = new double[2_000];
        for (int t = 0; t < v.length; t++) {
            v[t] = t * 0.1 + (t % 2) * 0.01;
        }
        AnomalyDetector.Score[] s = scores(v);
        for (int t = 0; t < SETTINGS.warmup(); t++) {
            assertEquals(0.0, s[t].score(), "warm-up at " + t);
        }
        for (int t = 0; t < 1_440; t++) {
            assertTrue(s[t].part() != AnomalyDetector.Part.RANGE, "range before a day of history at " + t);
        }
    }

    /** Red readings of a likelihood fed calm errors, then a stretch of {@code stretch} large ones. */
    private static int redReadingsInAStretch(ErrorLikelihood.RedFilter filter, int stretch) {
        ErrorLikelihood likelihood = new ErrorLikelihood(0, 5, 1_000, ErrorLikelihood.HALF_SCALE_DIGITS, filter);
        io.onlinelstm.state.LikelihoodState state = new io.onlinelstm.state.LikelihoodState();
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            likelihood.score(state, Math.abs(random.nextGaussian()));
        }
        int red = 0;
        for (int i = 0; i < stretch; i++) {
            if (likelihood.score(state, 8 + Math.abs(random.nextGaussian())) >= ErrorLikelihood.RED) {
                red++;
            }
        }
        return red;
    }

    /**
     * Each reading's likelihood as reported and before the red filter ({reported, unfiltered}), for
     * a likelihood with a short window of 5 fed calm errors, then {@code errors}.
     */
    private static double[][] afterCalm(double... errors) {
        ErrorLikelihood likelihood = new ErrorLikelihood(0, 5, 1_000);
        io.onlinelstm.state.LikelihoodState state = new io.onlinelstm.state.LikelihoodState();
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            likelihood.score(state, Math.abs(random.nextGaussian()));
        }
        double[][] out = new double[errors.length][];
        for (int i = 0; i < errors.length; i++) {
            double reported = likelihood.score(state, errors[i]);
            out[i] = new double[] {reported, likelihood.unfiltered()};
        }
        return out;
    }

    /** The readings reported red ({@code reported >= RED}). */
    private static java.util.List<Integer> reportedRed(double[][] s) {
        java.util.List<Integer> red = new java.util.ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (s[i][0] >= ErrorLikelihood.RED) {
                red.add(i);
            }
        }
        return red;
    }

    @Test
    void aBurstIsNotReportedAgainWhileItFillsTheShortWindow() {
        // A burst of three readings: its first red reading is reported (under the alert threshold);
        // the next ones square its tail probability only because they fill the short window, and
        // the stretch ends (five red readings) before it has outlasted the window.
        double[][] s = afterCalm(3, 5, 8, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(java.util.List.of(1), reportedRed(s));
        assertTrue(s[1][0] < SETTINGS.threshold(), "first red " + s[1][0]);
        assertTrue(s[2][1] >= SETTINGS.threshold(), "the burst grew to " + s[2][1] + " before the filter");
    }

    @Test
    void aStretchThatOutlastsTheShortWindowIsReportedAgainThen() {
        // The same start, but the stretch goes on: the growth it showed while filling the short
        // window is reported once the stretch has outlasted the window (its sixth red reading),
        // with that reading's own likelihood.
        double[][] s = afterCalm(4, 4, 4, 4, 4, 4, 4, 4, 4, 4);
        assertEquals(java.util.List.of(1, 6), reportedRed(s));
        assertEquals(s[6][1], s[6][0]);
        assertTrue(s[6][0] >= SETTINGS.threshold(), "reported again at " + s[6][0]);
    }

    @Test
    void aLongDisturbanceIsReportedAtItsStartNotOnEveryOtherReading() {
        assertTrue(redReadingsInAStretch(ErrorLikelihood.RedFilter.ESCALATE, 20) <= 2);
        // Numenta's filter, kept for the season part, lets every other reading of the stretch through.
        assertTrue(redReadingsInAStretch(ErrorLikelihood.RedFilter.ALTERNATE, 20) >= 5);
    }

    @Test
    void readingsTheFiltersLowerStillKeepTheEventsAlertOpen() {
        for (long seed = 1; seed <= 3; seed++) {
            // Readings a minute apart: erratic readings (noise ten times the usual) from the onset. The
            // likelihood learns the new spread within minutes; until then the event's readings are
            // red before the filters, and only its first (and any that grow by orders) is reported.
            Random extra = new Random(seed + 200);
            double[] v = series(seed, (t, x) -> x + 10 * extra.nextGaussian());
            AnomalyDetector.Score[] s = scores(v);
            long quiet = 2 * 60_000L;
            AnomalyState lifecycle = new AnomalyState();
            int raised = 0;
            int lastRed = -1;
            int filteredRed = 0;
            int clearedAt = -1;
            for (int t = 0; t < LENGTH; t++) {
                assertTrue(s[t].unfiltered() >= s[t].score(), "the filters only lower a score");
                boolean reported = s[t].score() >= SETTINGS.threshold();
                boolean ongoing = s[t].unfiltered() >= SETTINGS.threshold();
                AlertLifecycle.Transition tr = AlertLifecycle.next(lifecycle, t * 60_000L, reported, ongoing, quiet);
                if (t < ONSET) {
                    continue;
                }
                raised += tr == AlertLifecycle.Transition.RAISED && clearedAt < 0 ? 1 : 0;
                if (ongoing && clearedAt < 0) {
                    lastRed = t;
                    filteredRed += reported ? 0 : 1;
                }
                if (tr == AlertLifecycle.Transition.CLEARED && clearedAt < 0) {
                    clearedAt = t;
                }
            }
            assertTrue(filteredRed > 0, "seed " + seed + ": the filters lowered some red readings of the event");
            assertEquals(1, raised, "seed " + seed + ": one alert until the event cleared");
            assertEquals(lastRed + 2, clearedAt, "seed " + seed + ": cleared a quiet period after its last red reading");
        }
    }

    @Test
    void oneSpikeIsReportedOnceThoughTwoPartsSeeIt() {
        for (long seed = 1; seed <= 3; seed++) {
            // The spike's error enters the residual's average on the readings after it: one report.
            double[] v = series(seed, (t, x) -> t == ONSET ? x + 25 * 0.58 : x);
            AnomalyDetector.Score[] s = scores(v);
            int anomalous = 0;
            for (int t = ONSET; t < ONSET + 20; t++) {
                anomalous += s[t].score() >= SETTINGS.threshold() ? 1 : 0;
            }
            assertEquals(1, anomalous, "seed " + seed);
        }
    }

    @Test
    void anEchoIsLoweredButAStrongerReadingIsNot() {
        AnomalyState state = new AnomalyState();
        AnomalyDetector.Score first = EchoFilter.filter(state, new AnomalyDetector.Score(0.8, AnomalyDetector.Part.SPIKE), 5, 1.0);
        assertEquals(0.8, first.score());
        AnomalyDetector.Score echo = EchoFilter.filter(state, new AnomalyDetector.Score(0.75, AnomalyDetector.Part.RESIDUAL), 5, 1.0);
        assertEquals(ErrorLikelihood.YELLOW, echo.score());
        assertEquals(AnomalyDetector.Part.RESIDUAL, echo.part());
        assertEquals(0.9, EchoFilter.filter(state, new AnomalyDetector.Score(0.9, AnomalyDetector.Part.SEASON), 5, 1.0).score());
        for (int i = 0; i < 5; i++) {
            EchoFilter.filter(state, new AnomalyDetector.Score(0.1, AnomalyDetector.Part.RESIDUAL), 5, 1.0);
        }
        // Five quiet readings later a new event is reported whatever its strength.
        assertEquals(0.6, EchoFilter.filter(state, new AnomalyDetector.Score(0.6, AnomalyDetector.Part.RESIDUAL), 5, 1.0).score());
    }

    @Test
    void aStretchThatReachedTheAlertThresholdIsReportedOnce() {
        AnomalyState state = new AnomalyState();
        // 0.6 is under an alert threshold of 0.7: the stronger 0.8 is still reported, and raises the alert.
        assertEquals(0.6, EchoFilter.filter(state, new AnomalyDetector.Score(0.6, AnomalyDetector.Part.RESIDUAL), 5, 0.7).score());
        assertEquals(0.8, EchoFilter.filter(state, new AnomalyDetector.Score(0.8, AnomalyDetector.Part.SPIKE), 5, 0.7).score());
        // The alert is raised: the stretch grows, but is not reported again.
        assertEquals(ErrorLikelihood.YELLOW,
                EchoFilter.filter(state, new AnomalyDetector.Score(0.95, AnomalyDetector.Part.RESIDUAL), 5, 0.7).score());
    }

    @Test
    void aYoungSeriesRangeIsJudgedWithAWiderTolerance() {
        // Ten days of a calm daily cycle a minute apart (range about 41 to 59), and one value 10 %
        // of the range above it: not a range anomaly after two days, one after eight.
        int days = 10;
        double[] v = new double[days * 1_440];
        Random random = new Random(9);
        for (int t = 0; t < v.length; t++) {
            v[t] = 50 + 8 * Math.sin(2 * Math.PI * t / 1_440) + 0.3 * random.nextGaussian();
        }
        int early = 2 * 1_440;
        int late = 8 * 1_440;
        v[early] = tenPercentAbove(v, early);
        v[late] = tenPercentAbove(v, late);
        AnomalyDetector.Score[] s = scores(v);
        assertTrue(s[early].part() != AnomalyDetector.Part.RANGE, s[early].toString());
        assertEquals(AnomalyDetector.Part.RANGE, s[late].part());
    }

    private static double tenPercentAbove(double[] v, int before) {
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (int t = 0; t < before; t++) {
            max = Math.max(max, v[t]);
            min = Math.min(min, v[t]);
        }
        return max + 0.1 * (max - min);
    }

    @Test
    void calmSeriesRaiseAtMostOneAlertPerTenThousandReadings() {
        double rate = CalmSeriesCheck.falseAlertsPer10k(SETTINGS, 10, 10_000, 11);
        assertTrue(rate <= 1.0, "false alerts per series per 10,000 calm readings: " + rate);
    }

    @Test
    void scoresAreDeterministicAndLargeDeviationsDoNotTie() {
        double[] v = series(5, (t, x) -> t == ONSET ? x + 30 : t == ONSET + 200 ? x + 60 : x);
        AnomalyDetector.Score[] a = scores(v);
        AnomalyDetector.Score[] b = scores(v);
        assertArrayEquals(a, b);
        ErrorLikelihood likelihood = new ErrorLikelihood(0, 1, 100);
        io.onlinelstm.state.LikelihoodState state = new io.onlinelstm.state.LikelihoodState();
        Random random = new Random(3);
        for (int i = 0; i < 500; i++) {
            likelihood.score(state, Math.abs(random.nextGaussian()));
        }
        io.onlinelstm.state.LikelihoodState copy = new io.onlinelstm.state.LikelihoodState();
        copy.count = state.count;
        copy.mean = state.mean;
        copy.variance = state.variance;
        double big = likelihood.score(state, 40);
        double bigger = likelihood.score(copy, 80);
        assertTrue(big < bigger && bigger < 1.0, "40 and 80 deviations keep apart below 1: " + big + " " + bigger);
    }

    @Test
    void tailProbabilityIsAccurateFarIntoTheTail() {
        assertEquals(-Math.log10(0.5), TailProbability.minusLog10Upper(0), 1e-6);
        assertEquals(-Math.log10(0.0013498980), TailProbability.minusLog10Upper(3), 1e-5);
        // P(Z > 10) = 7.6199e-24
        assertEquals(23.118, TailProbability.minusLog10Upper(10), 1e-3);
        assertTrue(TailProbability.minusLog10Upper(40) > TailProbability.minusLog10Upper(39));
    }
}
