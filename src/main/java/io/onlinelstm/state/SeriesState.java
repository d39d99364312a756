package io.onlinelstm.state;

/**
 * Everything the job keeps per series: the LSTM's h and c for every layer, an online normaliser
 * of each input, the last value and time, the last forecast (to score it when the next value
 * comes), and a ring buffer of recent normalised inputs for training windows.
 *
 * <p>Mutable on purpose: the operator updates it in place on the per-record path and writes it
 * back to Flink state. Serialized by {@link SeriesStateSerializer}, never by Kryo.
 */
public final class SeriesState {

    /** h of every layer, layer after layer (layers x hidden). */
    public float[] h;
    /** c of every layer, layer after layer (layers x hidden). */
    public float[] c;
    /** Readings accepted so far. */
    public long count;
    /** Running mean of each input (Welford). */
    public double[] mean;
    /** Running sum of squared deviations of each input (Welford). */
    public double[] m2;
    /** Sum of squared changes of the value between consecutive readings (count - 1 of them). */
    public double changeSumSquares;
    public double lastValue;
    public long lastTs;
    /** The forecast made after the last reading, in original units; null before the first one. */
    public float[] lastForecast;
    /** Version of the model that made {@link #lastForecast}. */
    public long lastForecastVersion;
    /** Ring buffer of the last {@code windowCapacity} normalised input vectors. */
    public float[] window;
    /** Slot the next input vector goes to. */
    public int windowNext;
    /** Input vectors held (up to capacity). */
    public int windowFill;

    /** Scored forecast errors so far (anomaly scoring). */
    public long errorCount;
    /** Exponentially weighted mean of absolute errors, in units of the series' typical change. */
    public double errorMean;
    /** Exponentially weighted variance of those errors. */
    public double errorVariance;
    /** The most recent absolute errors (ring). */
    public float[] recentErrors;
    public int recentErrorsNext;
    /** Event time of the last alert; Long.MIN_VALUE when none. */
    public long lastAlertTs = Long.MIN_VALUE;
    /** Readings to go before windows are offered again: the ring still holds an anomalous reading. */
    public int anomalyHold;

    public SeriesState() {}

    public static SeriesState create(int stateSize, int inputs, int windowCapacity) {
        SeriesState s = new SeriesState();
        s.h = new float[stateSize];
        s.c = new float[stateSize];
        s.mean = new double[inputs];
        s.m2 = new double[inputs];
        s.window = new float[windowCapacity * inputs];
        return s;
    }

    public boolean hasLast() {
        return count > 0;
    }

    public int inputs() {
        return mean.length;
    }

    public int windowCapacity() {
        return mean.length == 0 ? 0 : window.length / mean.length;
    }

    /** Adds one reading's raw inputs to the normaliser. */
    public void observe(double[] raw) {
        if (count > 0) {
            double change = raw[0] - lastValue;
            changeSumSquares += change * change;
        }
        count++;
        for (int i = 0; i < mean.length; i++) {
            double delta = raw[i] - mean[i];
            mean[i] += delta / count;
            m2[i] += delta * (raw[i] - mean[i]);
        }
    }

    /** Standard deviation used to scale input {@code i}; 1 while there is no spread to speak of. */
    public double scale(int i) {
        if (count < 2) {
            return 1.0;
        }
        double std = Math.sqrt(m2[i] / count);
        return std > 1e-6 * Math.max(1.0, Math.abs(mean[i])) ? std : 1.0;
    }

    /**
     * Root mean square of the value's changes between readings: the unit in which a network that
     * forecasts changes works, so that smooth and jumpy series weigh alike in training. 1 while
     * there is nothing to go by.
     */
    public double changeScale() {
        if (count < 3 || changeSumSquares <= 0) {
            return 1.0;
        }
        return Math.sqrt(changeSumSquares / (count - 1));
    }

    public float normalise(int i, double raw) {
        return (float) ((raw - mean[i]) / scale(i));
    }

    /** Back from the normalised scale of the value (input 0) to the series' own units. */
    public float denormaliseValue(float z) {
        return (float) (z * scale(0) + mean[0]);
    }

    /** Appends one normalised input vector to the ring buffer. */
    public void pushWindow(float[] normalised) {
        int capacity = windowCapacity();
        if (capacity == 0) {
            return;
        }
        System.arraycopy(normalised, 0, window, windowNext * normalised.length, normalised.length);
        windowNext = (windowNext + 1) % capacity;
        windowFill = Math.min(windowFill + 1, capacity);
    }

    /** The {@code age}-th most recent normalised input vector (0 = newest) copied into {@code out}. */
    public void windowEntry(int age, float[] out) {
        int capacity = windowCapacity();
        if (age < 0 || age >= windowFill) {
            throw new IndexOutOfBoundsException("window holds " + windowFill + " entries, asked for age " + age);
        }
        int slot = Math.floorMod(windowNext - 1 - age, capacity);
        System.arraycopy(window, slot * out.length, out, 0, out.length);
    }

    /**
     * Copies the oldest {@code window} entries of a full ring as inputs, and for each the value
     * (input 0) of the {@code horizon} entries after it as targets. The newest entry is the last
     * target, so every target has been observed.
     *
     * @param delta targets as changes from each input step's value, in units of {@link #changeScale()},
     *     rather than values
     * @return false when the ring does not yet hold window + horizon entries
     */
    public boolean extractWindow(int window, int horizon, boolean delta, float[] inputsOut, float[] targetsOut) {
        int features = inputs();
        if (windowFill < window + horizon || window + horizon > windowCapacity()) {
            return false;
        }
        float[] entry = new float[features];
        int oldestAge = window + horizon - 1;
        // Entries hold z-scores of the level; changes are measured in the series' typical change instead.
        float perChange = delta ? (float) (scale(0) / changeScale()) : 1f;
        for (int t = 0; t < window; t++) {
            windowEntry(oldestAge - t, entry);
            System.arraycopy(entry, 0, inputsOut, t * features, features);
            float base = delta ? entry[0] : 0f;
            for (int k = 0; k < horizon; k++) {
                windowEntry(oldestAge - t - 1 - k, entry);
                targetsOut[t * horizon + k] = (entry[0] - base) * perChange;
            }
        }
        return true;
    }
}
