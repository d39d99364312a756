package io.onlinelstm.state;

/**
 * IEEE 754 half precision (binary16) for state that does not need a float's 24 bits: Java 17 has
 * no {@code Float.floatToFloat16}. Rounds to nearest, ties to even, as the hardware conversions do;
 * overflow goes to infinity and NaN stays NaN.
 */
public final class HalfFloat {

    private HalfFloat() {}

    /** The half nearest to {@code f}, as its 16 bits. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            // Infinity keeps no mantissa; NaN keeps a quiet bit so it stays NaN.
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (halfExponent <= 0) {
            if (halfExponent < -10) {
                return (short) sign;
            }
            // Subnormal half: shift the mantissa with its implicit bit, rounding to nearest even.
            int full = mantissa | 0x800000;
            int shift = 14 - halfExponent;
            int half = full >>> shift;
            int rest = full & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (halfExponent << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1fff;
        // A carry out of the mantissa moves into the exponent, which is the right rounding (up to infinity).
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    /** The float equal to the half {@code h} (every half is exactly a float). */
    public static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal: value = mantissa * 2^-24.
            float v = mantissa * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
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
