package io.onlinelstm.state;

/**
 * The window stage's part of a series' state: a ring of the last normalised input vectors, from
 * which training windows are cut, and a hold that keeps windows back while the ring still holds a
 * reading the anomaly stage flagged (so the model never learns an anomaly as normal).
 */
public final class WindowRing {

    /** Layout of this part in {@link SeriesStateSerializer}'s formats 2 and 3; bump it when a field changes. */
    static final int LAYOUT = 1;

    /** capacity x inputs floats. */
    public float[] entries;
    /** Slot the next input vector goes to. */
    public int next;
    /** Input vectors held (up to capacity). */
    public int fill;
    /** Readings to go before windows are offered again. */
    public int hold;

    public WindowRing() {}

    public static WindowRing create(int capacity, int inputs) {
        WindowRing r = new WindowRing();
        r.entries = new float[capacity * inputs];
        return r;
    }

    public int capacity(int inputs) {
        return inputs == 0 ? 0 : entries.length / inputs;
    }

    /** Appends one normalised input vector. */
    public void push(float[] normalised) {
        int capacity = capacity(normalised.length);
        if (capacity == 0) {
            return;
        }
        System.arraycopy(normalised, 0, entries, next * normalised.length, normalised.length);
        next = (next + 1) % capacity;
        fill = Math.min(fill + 1, capacity);
    }

    /** The {@code age}-th most recent input vector (0 = newest) copied into {@code out}. */
    public void entry(int age, float[] out) {
        int capacity = capacity(out.length);
        if (age < 0 || age >= fill) {
            throw new IndexOutOfBoundsException("window holds " + fill + " entries, asked for age " + age);
        }
        int slot = Math.floorMod(next - 1 - age, capacity);
        System.arraycopy(entries, slot * out.length, out, 0, out.length);
    }

    /**
     * Copies the oldest {@code window} entries of a full ring as inputs, and for each the value
     * (input 0) of the {@code horizon} entries after it as targets. The newest entry is the last
     * target, so every target has been observed.
     *
     * @param perChange 0 for level targets; otherwise targets are changes from each input step's
     *     value, multiplied by this factor (the value's scale over its typical change) and, k steps
     *     ahead, divided by {@link #changeSteps}(k)
     * @return false when the ring does not yet hold window + horizon entries
     */
    public boolean extract(int features, int window, int horizon, float perChange, float[] inputsOut, float[] targetsOut) {
        if (fill < window + horizon || window + horizon > capacity(features)) {
            return false;
        }
        float[] entry = new float[features];
        int oldestAge = window + horizon - 1;
        boolean delta = perChange != 0f;
        for (int t = 0; t < window; t++) {
            entry(oldestAge - t, entry);
            System.arraycopy(entry, 0, inputsOut, t * features, features);
            float base = delta ? entry[0] : 0f;
            for (int k = 0; k < horizon; k++) {
                entry(oldestAge - t - 1 - k, entry);
                float factor = delta ? (float) (perChange / changeSteps(k + 1)) : 1f;
                targetsOut[t * horizon + k] = (entry[0] - base) * factor;
            }
        }
        return true;
    }

    /**
     * The typical change {@code step} readings ahead, in typical one-step changes: sqrt(step), as
     * for a random walk. Change targets are measured in it so that every step of a long horizon
     * asks the network for outputs of about unit size (the far steps would otherwise be many
     * times larger, dominate the loss and slow learning); 1 at step 1.
     */
    public static double changeSteps(int step) {
        return Math.sqrt(step);
    }

    WindowRing copy() {
        WindowRing r = new WindowRing();
        r.entries = entries == null ? null : entries.clone();
        r.next = next;
        r.fill = fill;
        r.hold = hold;
        return r;
    }
}
