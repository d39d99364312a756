package io.onlinelstm.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SeriesStateTest {

    @Test
    void windowTakesTheOldestEntriesAsInputsAndTheFollowingValuesAsTargets() {
        int window = 4;
        int horizon = 2;
        WindowRing ring = WindowRing.create(window + horizon, 1);
        float[] x = new float[window];
        float[] y = new float[window * horizon];
        for (int v = 1; v <= 5; v++) {
            ring.push(new float[] {v});
        }
        assertFalse(ring.extract(1, window, horizon, 0f, x, y), "5 entries cannot make a window of 4 plus 2 targets");
        for (int v = 6; v <= 9; v++) {
            ring.push(new float[] {v});
        }
        // Ring holds 4..9: inputs 4..7, and each input's next two values; the last target is the newest, 9.
        assertTrue(ring.extract(1, window, horizon, 0f, x, y));
        assertArrayEquals(new float[] {4, 5, 6, 7}, x);
        assertArrayEquals(new float[] {5, 6, 6, 7, 7, 8, 8, 9}, y);
    }

    @Test
    void deltaTargetsAreChangesFromEachInputStepTimesTheFactorOverTheRootOfTheSteps() {
        WindowRing ring = WindowRing.create(5, 1);
        for (int v : new int[] {1, 4, 9, 16, 25}) {
            ring.push(new float[] {v});
        }
        float[] x = new float[3];
        float[] y = new float[3 * 2];
        assertTrue(ring.extract(1, 3, 2, 2f, x, y));
        assertArrayEquals(new float[] {1, 4, 9}, x);
        // Two steps ahead the change is measured in sqrt(2) typical changes.
        float r2 = (float) Math.sqrt(2);
        assertArrayEquals(new float[] {6, 16 / r2, 10, 24 / r2, 14, 32 / r2}, y, 1e-5f);
    }

    @Test
    void multiFeatureWindowsUseValueAsTarget() {
        WindowRing ring = WindowRing.create(3, 2);
        for (int v = 1; v <= 3; v++) {
            ring.push(new float[] {v, 10 * v});
        }
        float[] x = new float[2 * 2];
        float[] y = new float[2];
        assertTrue(ring.extract(2, 2, 1, 0f, x, y));
        assertArrayEquals(new float[] {1, 10, 2, 20}, x);
        assertArrayEquals(new float[] {2, 3}, y);
    }

    static SeriesState sample() {
        SeriesState s = SeriesState.create(4, 2, 3);
        s.step.h[1] = HalfFloat.fromFloat(0.5f);
        s.step.c[3] = HalfFloat.fromFloat(-2.25f);
        s.step.observe(new double[] {1, 2});
        s.step.observe(new double[] {3, 5});
        s.step.lastValue = 3;
        s.step.lastTs = 99;
        s.step.lastForecast = new float[] {4.5f};
        s.step.lastForecastVersion = 7;
        s.window.push(new float[] {1, 2});
        s.window.hold = 2;
        s.anomaly.residual.count = 12;
        s.anomaly.residual.mean = 0.25;
        s.anomaly.residual.variance = 0.125;
        s.anomaly.residual.recent = new float[] {1, 2, 3};
        s.anomaly.residual.next = 2;
        s.anomaly.residual.filled = 3;
        s.anomaly.residual.last = 0.5f;
        s.anomaly.season.count = 5;
        s.anomaly.season.mean = 1.5;
        s.anomaly.season.recent = new float[] {4, 5};
        s.anomaly.seasonProfile = new float[] {Float.NaN, 2.5f, 3f};
        s.anomaly.valueCount = 40;
        s.anomaly.firstTs = 17;
        s.anomaly.spike.count = 3;
        s.anomaly.spike.variance = 0.5;
        s.anomaly.minValue = -1;
        s.anomaly.maxValue = 9;
        s.anomaly.lastValue = 3;
        s.anomaly.flatRun = 2;
        s.anomaly.longestFlatRun = 6;
        s.anomaly.flatAtFloor = true;
        s.anomaly.residual.redRun = 4;
        s.anomaly.residual.peak = 0.8125f;
        s.anomaly.spike.redRun = 2;
        s.anomaly.echoPeak = 0.75f;
        s.anomaly.echoAge = 2;
        s.anomaly.lastAlertTs = 1234;
        s.anomaly.openSinceTs = 1300;
        s.anomaly.weekOffsets = new short[] {-3, 0, 7};
        s.anomaly.weekStep = 0.125f;
        s.combine = CombineState.create(3, 100f);
        s.combine.arInputs[1] = 0.5f;
        s.combine.arWeights[2] = -0.25f;
        s.combine.arCovarianceD[2] = 7f;
        s.combine.arCovarianceU[1] = HalfFloat.fromFloat(0.5f);
        s.combine.arResidualVariance = 1.5f;
        s.combine.arUpdates = 42;
        s.combine.losses[CombineState.AR] = 3f;
        s.combine.residualSquares = 2f;
        s.combine.scored = 9.5f;
        s.combine.lastAr = 3.25f;
        s.combine.lastCombined = 3.5f;
        return s;
    }

    static void assertSameState(SeriesState s, SeriesState r) {
        assertArrayEquals(s.step.h, r.step.h);
        assertArrayEquals(s.step.c, r.step.c);
        assertEquals(s.step.count, r.step.count);
        assertArrayEquals(s.step.mean, r.step.mean);
        assertArrayEquals(s.step.m2, r.step.m2);
        assertEquals(s.step.changeSumSquares, r.step.changeSumSquares);
        assertEquals(s.step.lastValue, r.step.lastValue);
        assertEquals(s.step.lastTs, r.step.lastTs);
        assertArrayEquals(s.step.lastForecast, r.step.lastForecast);
        assertEquals(s.step.lastForecastVersion, r.step.lastForecastVersion);
        assertArrayEquals(s.window.entries, r.window.entries);
        assertEquals(s.window.fill, r.window.fill);
        assertEquals(s.window.next, r.window.next);
        assertEquals(s.window.hold, r.window.hold);
        assertSameLikelihood(s.anomaly.residual, r.anomaly.residual);
        assertSameLikelihood(s.anomaly.season, r.anomaly.season);
        assertArrayEquals(s.anomaly.seasonProfile, r.anomaly.seasonProfile);
        assertEquals(s.anomaly.valueCount, r.anomaly.valueCount);
        assertEquals(s.anomaly.firstTs, r.anomaly.firstTs);
        assertSameLikelihood(s.anomaly.spike, r.anomaly.spike);
        assertEquals(s.anomaly.minValue, r.anomaly.minValue);
        assertEquals(s.anomaly.maxValue, r.anomaly.maxValue);
        assertEquals(s.anomaly.echoPeak, r.anomaly.echoPeak);
        assertEquals(s.anomaly.echoAge, r.anomaly.echoAge);
        assertEquals(s.anomaly.lastValue, r.anomaly.lastValue);
        assertEquals(s.anomaly.flatRun, r.anomaly.flatRun);
        assertEquals(s.anomaly.longestFlatRun, r.anomaly.longestFlatRun);
        assertEquals(s.anomaly.flatAtFloor, r.anomaly.flatAtFloor);
        assertEquals(s.anomaly.lastAlertTs, r.anomaly.lastAlertTs);
        assertEquals(s.anomaly.openSinceTs, r.anomaly.openSinceTs);
        assertArrayEquals(s.anomaly.weekOffsets, r.anomaly.weekOffsets);
        assertEquals(s.anomaly.weekStep, r.anomaly.weekStep);
        assertSameCombine(s.combine, r.combine);
    }

    static void assertSameLikelihood(LikelihoodState s, LikelihoodState r) {
        assertEquals(s.count, r.count);
        assertEquals(s.mean, r.mean);
        assertEquals(s.variance, r.variance);
        assertArrayEquals(s.recent, r.recent);
        assertEquals(s.next, r.next);
        assertEquals(s.filled, r.filled);
        assertEquals(s.last, r.last);
        assertEquals(s.redRun, r.redRun);
        assertEquals(s.peak, r.peak);
    }

    static void assertSameCombine(CombineState s, CombineState r) {
        if (s == null || r == null) {
            assertEquals(s, r);
            return;
        }
        assertArrayEquals(s.arInputs, r.arInputs);
        assertArrayEquals(s.arWeights, r.arWeights);
        assertArrayEquals(s.arCovarianceD, r.arCovarianceD);
        assertArrayEquals(s.arCovarianceU, r.arCovarianceU);
        assertEquals(s.arResidualVariance, r.arResidualVariance);
        assertEquals(s.arUpdates, r.arUpdates);
        assertArrayEquals(s.losses, r.losses);
        assertEquals(s.residualSquares, r.residualSquares);
        assertEquals(s.scored, r.scored);
        assertEquals(s.lastAr, r.lastAr);
        assertEquals(s.lastCombined, r.lastCombined);
    }

    @Test
    void serializerRoundTripKeepsEveryFieldOfEveryPart() throws Exception {
        SeriesState s = sample();
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, out);
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertSameState(s, r);
        assertSameState(s, SeriesStateSerializer.INSTANCE.copy(s));
        // Combining off: the part is written absent and read back absent.
        s.combine = null;
        out.clear();
        SeriesStateSerializer.INSTANCE.serialize(s, out);
        assertSameState(s, SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())));
    }

    /** Format 2 of the previous release: the three parts without the combine part, read with none. */
    @Test
    void theThreePartFormatOfThePreviousReleaseIsReadWithoutACombinePart() throws Exception {
        SeriesState s = sample();
        DataOutputSerializer full = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, full);
        byte[] bytes = full.getCopyOfBuffer();
        int combineBytes = SeriesStateSerializer.bytesByPart(s).get("combine");
        byte[] format2 = java.util.Arrays.copyOf(bytes, bytes.length - combineBytes);
        format2[0] = 2;
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(format2));
        s.combine = null;
        assertSameState(s, r);
    }

    /** Format 1 as the earlier releases wrote it: one flat field list, value by value. */
    @Test
    void theFlatFormatOfEarlierReleasesIsReadIntoTheParts() throws Exception {
        SeriesState s = sample();
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(1);
        flatFloats(floats(s.step.h), out);
        flatFloats(floats(s.step.c), out);
        out.writeLong(s.step.count);
        flatDoubles(s.step.mean, out);
        flatDoubles(s.step.m2, out);
        out.writeDouble(s.step.changeSumSquares);
        out.writeDouble(s.step.lastValue);
        out.writeLong(s.step.lastTs);
        flatFloats(s.step.lastForecast, out);
        out.writeLong(s.step.lastForecastVersion);
        flatFloats(s.window.entries, out);
        out.writeInt(s.window.next);
        out.writeInt(s.window.fill);
        // The anomaly statistics of that release's detector (count, mean, variance, ring, next)
        out.writeLong(12);
        out.writeDouble(0.25);
        out.writeDouble(0.125);
        flatFloats(new float[] {1, 2, 3}, out);
        out.writeInt(2);
        out.writeLong(s.anomaly.lastAlertTs);
        out.writeInt(s.window.hold);
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        s.combine = null; // format 1 predates the combination: the stage starts it afresh
        s.anomaly = afreshButLastAlert(s.anomaly.lastAlertTs);
        assertSameState(s, r);
    }

    /** A step part of layout 1 (h and c in floats) restores with h and c rounded to halves, the rest whole. */
    @Test
    void aStepPartOfLayoutOneRestoresWithHalvesOfItsFloats() throws Exception {
        SeriesState s = sample();
        float[] h = floats(s.step.h);
        h[0] = 0.1f; // not a half: rounds to the nearest one
        DataOutputSerializer layout1 = new DataOutputSerializer(64);
        layout1.writeByte(1);
        blockFloats(h, layout1);
        blockFloats(floats(s.step.c), layout1);
        layout1.writeLong(s.step.count);
        blockDoubles(s.step.mean, layout1);
        blockDoubles(s.step.m2, layout1);
        layout1.writeDouble(s.step.changeSumSquares);
        layout1.writeDouble(s.step.lastValue);
        layout1.writeLong(s.step.lastTs);
        blockFloats(s.step.lastForecast, layout1);
        layout1.writeLong(s.step.lastForecastVersion);
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(
                replacePart(s, "step", layout1.getCopyOfBuffer())));
        s.step.h[0] = HalfFloat.fromFloat(0.1f);
        assertEquals(0.1f, HalfFloat.toFloat(r.step.h[0]), 0.1f / 2048);
        assertSameState(s, r);
    }

    /**
     * A combine part of layout 1 (the covariance's upper triangle in floats) restores as U-D factors
     * of the same covariance, to the precision of U's halves; everything else whole.
     */
    @Test
    void aCombinePartOfLayoutOneRestoresItsCovarianceAsFactors() throws Exception {
        SeriesState s = sample();
        int n = s.combine.arWeights.length;
        float[] triangle = positiveDefiniteTriangle(n, new java.util.Random(7));
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(
                replacePart(s, "combine", combineLayoutOne(s.combine, triangle))));

        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.combine.arCovarianceD[i];
        }
        double[] u = new double[r.combine.arCovarianceU.length];
        for (int k = 0; k < u.length; k++) {
            u[k] = HalfFloat.toFloat(r.combine.arCovarianceU[k]);
        }
        double[] restored = UdFactors.covariance(d, u, n);
        for (int k = 0; k < triangle.length; k++) {
            assertEquals(triangle[k], restored[k], 2e-3 * Math.max(1, Math.abs(triangle[k])), "entry " + k);
        }
        s.combine.arCovarianceD = r.combine.arCovarianceD;
        s.combine.arCovarianceU = r.combine.arCovarianceU;
        assertSameState(s, r);
    }

    /** One that is not a covariance (never written, but a restore must not fail on it) restarts from the prior. */
    @Test
    void aCombinePartOfLayoutOneWithoutACovarianceRestartsFromThePrior() throws Exception {
        SeriesState s = sample();
        int n = s.combine.arWeights.length;
        float[] triangle = new float[n * (n + 1) / 2];
        triangle[0] = -1f;
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(
                replacePart(s, "combine", combineLayoutOne(s.combine, triangle))));
        CombineState prior = CombineState.create(s.combine.lags(), CombineState.PRIOR_VARIANCE);
        assertArrayEquals(prior.arCovarianceD, r.combine.arCovarianceD);
        assertArrayEquals(prior.arCovarianceU, r.combine.arCovarianceU);
        assertArrayEquals(s.combine.arWeights, r.combine.arWeights);
    }

    /** A x A' + I, packed row by row: a covariance with correlated entries. */
    static float[] positiveDefiniteTriangle(int n, java.util.Random random) {
        double[][] a = new double[n][n];
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] = random.nextGaussian();
            }
        }
        float[] packed = new float[n * (n + 1) / 2];
        for (int i = 0, k = 0; i < n; i++) {
            for (int j = i; j < n; j++, k++) {
                double v = i == j ? 1 : 0;
                for (int m = 0; m < n; m++) {
                    v += a[i][m] * a[j][m];
                }
                packed[k] = (float) v;
            }
        }
        return packed;
    }

    private static byte[] combineLayoutOne(CombineState c, float[] triangle) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(1);
        out.writeBoolean(true);
        blockFloats(c.arInputs, out);
        blockFloats(c.arWeights, out);
        blockFloats(triangle, out);
        out.writeFloat(c.arResidualVariance);
        out.writeInt(c.arUpdates);
        blockFloats(c.losses, out);
        out.writeFloat(c.residualSquares);
        out.writeFloat(c.scored);
        out.writeFloat(c.lastAr);
        out.writeFloat(c.lastCombined);
        return out.getCopyOfBuffer();
    }

    /** The serialized bytes of {@code s} with one part's bytes replaced by {@code part}. */
    private static byte[] replacePart(SeriesState s, String name, byte[] part) throws IOException {
        DataOutputSerializer full = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, full);
        byte[] bytes = full.getCopyOfBuffer();
        Map<String, Integer> parts = SeriesStateSerializer.bytesByPart(s);
        int start = 0;
        for (Map.Entry<String, Integer> e : parts.entrySet()) {
            if (e.getKey().equals(name)) {
                break;
            }
            start += e.getValue();
        }
        int length = parts.get(name);
        byte[] replaced = new byte[bytes.length - length + part.length];
        System.arraycopy(bytes, 0, replaced, 0, start);
        System.arraycopy(part, 0, replaced, start, part.length);
        System.arraycopy(bytes, start + length, replaced, start + part.length, bytes.length - start - length);
        return replaced;
    }

    private static void blockFloats(float[] a, DataOutputSerializer out) throws IOException {
        out.writeInt(a.length);
        for (float f : a) {
            out.writeFloat(f);
        }
    }

    private static void blockDoubles(double[] a, DataOutputSerializer out) throws IOException {
        out.writeInt(a.length);
        for (double d : a) {
            out.writeDouble(d);
        }
    }

    /** An anomaly part of layout 1 (an earlier detector's statistics) restores as a fresh detector that keeps its last alert time. */
    @Test
    void anAnomalyPartOfTheEarlierLayoutRestoresAsAFreshDetector() throws Exception {
        SeriesState s = sample();
        DataOutputSerializer layout1 = new DataOutputSerializer(64);
        layout1.writeByte(1);
        layout1.writeLong(12);
        layout1.writeDouble(0.25);
        layout1.writeDouble(0.125);
        layout1.writeInt(3);
        for (float f : new float[] {1, 2, 3}) {
            layout1.writeFloat(f);
        }
        layout1.writeInt(2);
        layout1.writeLong(s.anomaly.lastAlertTs);
        DataOutputSerializer full = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, full);
        byte[] bytes = full.getCopyOfBuffer();
        Map<String, Integer> parts = SeriesStateSerializer.bytesByPart(s);
        int anomalyStart = parts.get("format") + parts.get("step") + parts.get("window");
        byte[] upgraded = new byte[bytes.length - parts.get("anomaly") + layout1.length()];
        System.arraycopy(bytes, 0, upgraded, 0, anomalyStart);
        System.arraycopy(layout1.getCopyOfBuffer(), 0, upgraded, anomalyStart, layout1.length());
        System.arraycopy(bytes, anomalyStart + parts.get("anomaly"), upgraded, anomalyStart + layout1.length(),
                bytes.length - anomalyStart - parts.get("anomaly"));
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(upgraded));
        s.anomaly = afreshButLastAlert(s.anomaly.lastAlertTs);
        assertSameState(s, r);
    }

    /** An anomaly part of layout 2 (before the echo filter) restores whole, with no red stretch behind it. */
    @Test
    void anAnomalyPartOfLayoutTwoRestoresWithoutAnEchoStretch() throws Exception {
        SeriesState s = sample();
        // Layout 2 had no week profile either (layout 4): a sample without one leaves a fixed 8-byte
        // trailer (no offsets, a step of 0) to cut.
        s.anomaly.weekOffsets = null;
        s.anomaly.weekStep = 0;
        DataOutputSerializer full = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, full);
        byte[] bytes = full.getCopyOfBuffer();
        Map<String, Integer> parts = SeriesStateSerializer.bytesByPart(s);
        int anomalyStart = parts.get("format") + parts.get("step") + parts.get("window");
        int anomalyEnd = anomalyStart + parts.get("anomaly");
        // Layout 3 added the echo peak (float) and age (int) just before the two alert times; layout
        // 5 added the red runs, a peak and the floor flag (LAYOUT_5_BYTES) after the week profile.
        int trailer = 8 + LAYOUT_5_BYTES;
        int echoStart = anomalyEnd - trailer - 16 - 8;
        byte[] layout2 = new byte[bytes.length - 8 - trailer];
        System.arraycopy(bytes, 0, layout2, 0, echoStart);
        System.arraycopy(bytes, echoStart + 8, layout2, echoStart, anomalyEnd - trailer - echoStart - 8);
        System.arraycopy(bytes, anomalyEnd, layout2, anomalyEnd - 8 - trailer, bytes.length - anomalyEnd);
        layout2[anomalyStart] = 2;
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(layout2));
        s.anomaly.echoPeak = 0;
        s.anomaly.echoAge = Integer.MAX_VALUE;
        withoutLayout5(s.anomaly);
        assertSameState(s, r);
    }

    /** An anomaly part of layout 3 (before the week profile) restores whole, with no week learnt yet. */
    @Test
    void anAnomalyPartOfLayoutThreeRestoresWithoutAWeekProfile() throws Exception {
        SeriesState s = sample();
        DataOutputSerializer full = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, full);
        byte[] bytes = full.getCopyOfBuffer();
        Map<String, Integer> parts = SeriesStateSerializer.bytesByPart(s);
        int anomalyStart = parts.get("format") + parts.get("step") + parts.get("window");
        // Layout 4 added the week offsets (length and shorts) and their step (float) at the end,
        // layout 5 the red runs, a peak and the floor flag after them.
        int weekBytes = 4 + 2 * s.anomaly.weekOffsets.length + 4 + LAYOUT_5_BYTES;
        int weekStart = anomalyStart + parts.get("anomaly") - weekBytes;
        byte[] layout3 = new byte[bytes.length - weekBytes];
        System.arraycopy(bytes, 0, layout3, 0, weekStart);
        System.arraycopy(bytes, weekStart + weekBytes, layout3, weekStart, bytes.length - weekStart - weekBytes);
        layout3[anomalyStart] = 3;
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(layout3));
        s.anomaly.weekOffsets = null;
        s.anomaly.weekStep = 0;
        withoutLayout5(s.anomaly);
        assertSameState(s, r);
    }

    /** Bytes layout 5 added at the end of the anomaly part: two red runs, a peak and the floor flag. */
    private static final int LAYOUT_5_BYTES = 1 + 4 + 1 + 1;

    private static void withoutLayout5(AnomalyState a) {
        a.residual.redRun = 0;
        a.residual.peak = 0;
        a.spike.redRun = 0;
        a.flatAtFloor = false;
    }

    /**
     * An anomaly part of layout 4 (before the red runs and the floor flag) restores whole: a red
     * stretch in progress counts its red readings from the restore on, a run in progress is judged
     * as one above the floor.
     */
    @Test
    void anAnomalyPartOfLayoutFourRestoresWithoutRedRuns() throws Exception {
        SeriesState s = sample();
        DataOutputSerializer full = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, full);
        byte[] bytes = full.getCopyOfBuffer();
        Map<String, Integer> parts = SeriesStateSerializer.bytesByPart(s);
        int anomalyStart = parts.get("format") + parts.get("step") + parts.get("window");
        int newStart = anomalyStart + parts.get("anomaly") - LAYOUT_5_BYTES;
        byte[] layout4 = new byte[bytes.length - LAYOUT_5_BYTES];
        System.arraycopy(bytes, 0, layout4, 0, newStart);
        System.arraycopy(bytes, newStart + LAYOUT_5_BYTES, layout4, newStart, bytes.length - newStart - LAYOUT_5_BYTES);
        layout4[anomalyStart] = 4;
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(layout4));
        withoutLayout5(s.anomaly);
        assertSameState(s, r);
    }

    private static AnomalyState afreshButLastAlert(long lastAlertTs) {
        AnomalyState a = new AnomalyState();
        a.lastAlertTs = lastAlertTs;
        return a;
    }

    @Test
    void anUnknownFormatOrPartLayoutIsRefusedWithWhatToDo() throws Exception {
        IOException format = assertThrows(IOException.class, () ->
                SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {9, 0, 0, 0})));
        assertTrue(format.getMessage().contains("format 9") && format.getMessage().contains("Restore with"),
                format.getMessage());
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(sample(), out);
        byte[] bytes = out.getCopyOfBuffer();
        bytes[1] = 5; // the step part's layout
        IOException layout = assertThrows(IOException.class, () ->
                SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)));
        assertTrue(layout.getMessage().contains("step part") && layout.getMessage().contains("layout 5"),
                layout.getMessage());
    }

    @Test
    void bytesByPartAddUpToTheSerializedSize() throws Exception {
        SeriesState s = sample();
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, out);
        Map<String, Integer> parts = SeriesStateSerializer.bytesByPart(s);
        assertEquals(out.length(), parts.values().stream().mapToInt(Integer::intValue).sum(), parts.toString());
        // h and c: 2 x (4 + 4 x 4) bytes at least.
        assertTrue(parts.get("step") > 40, parts.toString());
        // 3 lags: inputs 4, weights 5, covariance 15 floats, with their lengths.
        assertTrue(parts.get("combine") > 4 * 24, parts.toString());
    }

    private static float[] floats(short[] halves) {
        float[] a = new float[halves.length];
        HalfFloat.toFloats(halves, a);
        return a;
    }

    private static void flatFloats(float[] a, DataOutputSerializer out) throws IOException {
        out.writeInt(a.length);
        for (float v : a) {
            out.writeFloat(v);
        }
    }

    private static void flatDoubles(double[] a, DataOutputSerializer out) throws IOException {
        out.writeInt(a.length);
        for (double v : a) {
            out.writeDouble(v);
        }
    }
}
