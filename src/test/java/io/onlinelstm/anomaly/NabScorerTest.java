package io.onlinelstm.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** NAB scoring on cases small enough to work out by hand from NAB's definitions. */
class NabScorerTest {

    private static final NabScorer.Profile UNIT = new NabScorer.Profile("unit", 1.0, 1.0, 1.0);

    private static double[] scores(int n, int... detections) {
        double[] s = new double[n];
        for (int d : detections) {
            s[d] = 1.0;
        }
        return s;
    }

    /** Raw score with every row scoring 1 detected and the rest not (threshold 1). */
    private static double raw(NabScorer.LabelledFile f, NabScorer.Profile p) {
        return NabScorer.score(List.of(f), p).raw();
    }

    @Test
    void earlyDetectionEarnsFullCreditAndLaterOnesInTheWindowNothing() {
        // 100 rows: probation floor(15) rows; windows 30..34 and 65..69; detections 30 and 31.
        var f = new NabScorer.LabelledFile("f", scores(100, 30, 31), List.of(new int[] {30, 34}, new int[] {65, 69}));
        // Window 1: +1 (first row); window 2 missed: -1.
        assertEquals(0.0, raw(f, UNIT), 1e-9);
    }

    @Test
    void detectionAtTheRightEdgeEarnsLittle() {
        var f = new NabScorer.LabelledFile("f", scores(100, 34), List.of(new int[] {30, 34}));
        // p = -(34 - 34 + 1) / 5 = -0.2: S(-0.2) = 2 / (1 + e^-1) - 1 = 0.462117; divided by S(-1) = 0.986614.
        assertEquals((2 / (1 + Math.exp(-1)) - 1) / NabScorer.scaledSigmoid(-1), raw(f, UNIT), 1e-9);
    }

    @Test
    void falsePositiveAfterAWindowIsPenalisedByItsDistance() {
        // NAB's own unit test: detections 30, 31 and 37, windows 30..34 and 65..69, all weights 1: -0.9540.
        var f = new NabScorer.LabelledFile("f", scores(100, 30, 31, 37), List.of(new int[] {30, 34}, new int[] {65, 69}));
        assertEquals(-0.9540, raw(f, UNIT), 1e-4);
    }

    @Test
    void missedWindowCostsTheFalseNegativeWeight() {
        var f = new NabScorer.LabelledFile("f", scores(100), List.of(new int[] {30, 34}, new int[] {65, 69}));
        assertEquals(-2.0, raw(f, NabScorer.STANDARD), 1e-12);
        assertEquals(-4.0, raw(f, NabScorer.LOW_FN), 1e-12);
        assertEquals(0.0, NabScorer.score(List.of(f), NabScorer.STANDARD).score(), 1e-12, "the null detector scores 0");
    }

    @Test
    void detectionsInTheProbationaryPeriodDoNotCount() {
        // 40 rows: probation is floor(0.15 * 40) = 6 rows; a detection at row 2 before any window is ignored.
        var probation = new NabScorer.LabelledFile("f", scores(40, 2, 10), List.of(new int[] {10, 19}));
        var none = new NabScorer.LabelledFile("f", scores(40, 10), List.of(new int[] {10, 19}));
        assertEquals(raw(none, NabScorer.STANDARD), raw(probation, NabScorer.STANDARD), 1e-12);
        assertEquals(1.0, raw(none, NabScorer.STANDARD), 1e-12);
        assertEquals(100.0, NabScorer.score(List.of(none), NabScorer.STANDARD).score(), 1e-9, "perfect detector");
        // Outside probation, a detection before any window costs the flat false-positive weight.
        var early = new NabScorer.LabelledFile("f", scores(40, 7, 10), List.of(new int[] {10, 19}));
        assertEquals(1.0 - 0.11, raw(early, NabScorer.STANDARD), 1e-12);
    }

    @Test
    void thresholdIsChosenToMaximiseTheTotal() {
        // The helper's worked example: n = 40, windows 10..19 and 28..32, graded scores.
        double[] s = new double[40];
        s[2] = 0.99;
        s[7] = 0.8;
        s[13] = 0.9;
        s[16] = 0.95;
        s[22] = 0.85;
        s[35] = 0.6;
        var f = new NabScorer.LabelledFile("f", s, List.of(new int[] {10, 19}, new int[] {28, 32}));
        NabScorer.ProfileScore best = NabScorer.score(List.of(f), NabScorer.STANDARD);
        // Flagging every row wins in so small a file: +0.20137 at threshold 0.
        assertEquals(0.20137, best.raw(), 1e-5);
        assertEquals(0.0, best.threshold(), 0.0);
    }

    @Test
    void precisionRecallAndF1AtAThreshold() {
        var f = new NabScorer.LabelledFile("f", scores(100, 30, 31, 37, 50), List.of(new int[] {30, 34}, new int[] {65, 69}));
        NabScorer.Detection d = NabScorer.detection(List.of(f), 0.5);
        assertEquals(1, d.windowsDetected());
        assertEquals(2, d.falsePositives());
        assertEquals(1.0 / 3, d.precision(), 1e-12);
        assertEquals(0.5, d.recall(), 1e-12);
        assertEquals(0.4, d.f1(), 1e-12);
    }
}
