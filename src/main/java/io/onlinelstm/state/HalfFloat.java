package io.onlinelstm.state;

/**
 * IEEE 754 half precision (binary16) for state that does not need a float's 24 bits: Java 17 has
 * no {@code Float.floatToFloat16}. Rounds to nearest, ties to even, as the hardware conversions do;
 * overflow goes to infinity and NaN stays NaN.
 */
public final class HalfFloat {

    private HalfFloat() {}

    /** Smallest float magnitude that rounds to a half's infinity: 65,520, halfway past the largest half. */
    private static final int OVERFLOW = 0x477ff000;
    /** 2^-14, the smallest normal half. */
    private static final int SMALLEST_NORMAL = 0x38800000;
    /** (127 - 15) << 23: the difference of the two formats' exponent biases, in a float's exponent field. */
    private static final int REBIAS = 0x38000000;
    private static final int POSITIVE_INFINITY = 0x7f800000;

    /**
     * The half nearest to {@code f}, as its 16 bits. Called for every element of every series' h and
     * c on every reading, so it rounds with integer arithmetic rather than bit by bit.
     */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude >= OVERFLOW) {
            // Infinity, or too large: infinity; NaN keeps a quiet bit so it stays NaN.
            return (short) (sign | (magnitude > POSITIVE_INFINITY ? 0x7e00 : 0x7c00));
        }
        if (magnitude >= SMALLEST_NORMAL) {
            // Round the 13 bits that go to nearest, ties to even, in one add (a carry into the
            // exponent is the right result), then move the exponent to the half's bias.
            int rounded = magnitude + 0x0fff + ((magnitude >>> 13) & 1);
            return (short) (sign | ((rounded - REBIAS) >>> 13));
        }
        // Subnormal half or zero: adding 0.5 makes the hardware round to a multiple of 2^-24 (0.5's
        // last place), ties to even, and the sum's low bits are then the half's.
        float sum = Float.intBitsToFloat(magnitude) + 0.5f;
        return (short) (sign | (Float.floatToRawIntBits(sum) - 0x3f000000));
    }

    /** The float equal to the half {@code h} (every half is exactly a float). */
    public static float toFloat(short h) {
        int magnitude = h & 0x7fff;
        float v;
        if (magnitude >= 0x7c00) {
            v = Float.intBitsToFloat(POSITIVE_INFINITY | ((magnitude & 0x3ff) << 13));
        } else {
            // Normal and subnormal halves alike: their bits moved into a float's places, times
            // 2^112 (2^(127 - 15)), which is exact for both.
            v = Float.intBitsToFloat(magnitude << 13) * 0x1p112f;
        }
        // The sign by a bit, not a branch: signs of h and c are a coin toss a branch would mispredict.
        return Float.intBitsToFloat(Float.floatToRawIntBits(v) | ((h & 0x8000) << 16));
    }

    /** Every element of {@code halves} as a float, into {@code floats}. */
    public static void toFloats(short[] halves, float[] floats) {
        for (int i = 0; i < halves.length; i++) {
            floats[i] = toFloat(halves[i]);
        }
    }

    /** Every element of {@code floats} rounded to a half, into {@code halves}. */
    public static void fromFloats(float[] floats, short[] halves) {
        for (int i = 0; i < halves.length; i++) {
            halves[i] = fromFloat(floats[i]);
        }
    }

    /** {@code floats} rounded to halves, in a new array; null stays null. */
    public static short[] fromFloats(float[] floats) {
        if (floats == null) {
            return null;
        }
        short[] halves = new short[floats.length];
        fromFloats(floats, halves);
        return halves;
    }

    /** {@code f} rounded to the nearest half. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
