package io.onlinelstm.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfFloatTest {

    @Test
    void everyHalfSurvivesARoundTripThroughFloat() {
        for (int bits = 0; bits <= 0xffff; bits++) {
            short h = (short) bits;
            float f = HalfFloat.toFloat(h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfFloat.toFloat(HalfFloat.fromFloat(f))), "NaN stays NaN");
                continue;
            }
            assertEquals(h, HalfFloat.fromFloat(f), "half 0x" + Integer.toHexString(bits));
        }
    }

    @Test
    void knownValuesDecodeExactly() {
        assertEquals(1f, HalfFloat.toFloat((short) 0x3c00));
        assertEquals(-2f, HalfFloat.toFloat((short) 0xc000));
        assertEquals(65504f, HalfFloat.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, HalfFloat.toFloat((short) 0x0001));
        assertEquals(0x1p-14f, HalfFloat.toFloat((short) 0x0400));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloat.toFloat((short) 0x7c00));
        assertEquals(-0f, HalfFloat.toFloat((short) 0x8000));
    }

    /** The rounded value is the nearest half; between two, the one with an even last bit. */
    @Test
    void floatsRoundToTheNearestHalfTiesToEven() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float f = (float) ((random.nextDouble() * 2 - 1) * Math.pow(2, random.nextInt(-26, 16)));
            short h = HalfFloat.fromFloat(f);
            float rounded = HalfFloat.toFloat(h);
            float below = HalfFloat.toFloat((short) (h - 1));
            float above = HalfFloat.toFloat((short) (h + 1));
            double error = Math.abs((double) rounded - f);
            if (Float.isFinite(below) && Math.signum(below) == Math.signum(rounded)) {
                assertTrue(error <= Math.abs((double) below - f), f + " is nearer " + below + " than " + rounded);
            }
            if (Float.isFinite(above) && Math.signum(above) == Math.signum(rounded)) {
                assertTrue(error <= Math.abs((double) above - f), f + " is nearer " + above + " than " + rounded);
            }
        }
        // 1 + 2^-11 lies halfway between 1 (even) and 1 + 2^-10: to 1. 1 + 3 * 2^-11: to 1 + 2^-9 (even).
        assertEquals(1f, HalfFloat.round(1f + 0x1p-11f));
        assertEquals(1f + 0x1p-9f, HalfFloat.round(1f + 3 * 0x1p-11f));
        // Halfway between the largest half and 2^16 rounds up, out of range: infinity.
        assertEquals(Float.POSITIVE_INFINITY, HalfFloat.round(65520f));
        assertEquals(65504f, HalfFloat.round(65519f));
        // Below the smallest subnormal's half: zero, keeping the sign.
        assertEquals(-0f, HalfFloat.round(-0x1p-26f));
    }

    @Test
    void inTheRangeOfAnLstmStateTheRelativeErrorIsUnderTwoToTheMinusEleven() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) ((random.nextDouble() * 2 - 1) * 50);
            if (Math.abs(f) < 0x1p-14f) {
                continue;
            }
            assertTrue(Math.abs(HalfFloat.round(f) - f) <= Math.abs(f) * 0x1p-11f, "f = " + f);
        }
    }
}
