package io.onlinelstm.state;

/**
 * The step stage's part of a series' state: the LSTM's h and c for every layer, an online
 * normaliser of each input (Welford), the last value and time, and the last forecast (scored when
 * the next value comes). Written only by the step stage; the other stages read its scales.
 *
 * <p>h and c are kept in half precision ({@link HalfFloat}): they are two thirds of what a series
 * would otherwise store, every reading rewrites them, and a disk backend pays per byte written. h
 * is bounded by 1 and c grows slowly, so 11 significant bits lose nothing a forecast shows (the
 * ETTh2 replay's MSE is the same to six digits, docs/scaling.md); the step itself runs in floats.
 */
public final class StepState {

    /** Layout of this part in {@link SeriesStateSerializer}'s formats 2 and 3; bump it when a field changes. */
    static final int LAYOUT = 2;

    /** h of every layer, layer after layer (layers x hidden), as halves. */
    public short[] h;
    /** c of every layer, layer after layer (layers x hidden), as halves. */
    public short[] c;
    /** Readings accepted so far. */
    public long count;
    /** Running mean of each input. */
    public double[] mean;
    /** Running sum of squared deviations of each input. */
    public double[] m2;
    /** Sum of squared changes of the value between consecutive readings (count - 1 of them). */
    public double changeSumSquares;
    public double lastValue;
    public long lastTs;
    /** The forecast made after the last reading, in original units; null before the first one. */
    public float[] lastForecast;
    /** Version of the model that made {@link #lastForecast}. */
    public long lastForecastVersion;

    public StepState() {}

    public static StepState create(int stateSize, int inputs) {
        StepState s = new StepState();
        s.h = new short[stateSize];
        s.c = new short[stateSize];
        s.mean = new double[inputs];
        s.m2 = new double[inputs];
        return s;
    }

    public boolean hasLast() {
        return count > 0;
    }

    public int inputs() {
        return mean.length;
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

    /**
     * {@link #changeScale()} as it was before the last reading's change, given that change: the
     * unit to judge the reading's own error in, so that a spike does not shrink itself by entering
     * its own yardstick.
     */
    public double changeScaleBefore(double lastChange) {
        double before = changeSumSquares - lastChange * lastChange;
        if (count < 4 || !(before > 0)) {
            return changeScale();
        }
        return Math.sqrt(before / (count - 2));
    }

    public float normalise(int i, double raw) {
        return (float) ((raw - mean[i]) / scale(i));
    }

    /** Back from the normalised scale of the value (input 0) to the series' own units. */
    public float denormaliseValue(float z) {
        return (float) (z * scale(0) + mean[0]);
    }

    StepState copy() {
        StepState s = new StepState();
        s.h = h == null ? null : h.clone();
        s.c = c == null ? null : c.clone();
        s.count = count;
        s.mean = mean == null ? null : mean.clone();
        s.m2 = m2 == null ? null : m2.clone();
        s.changeSumSquares = changeSumSquares;
        s.lastValue = lastValue;
        s.lastTs = lastTs;
        s.lastForecast = lastForecast == null ? null : lastForecast.clone();
        s.lastForecastVersion = lastForecastVersion;
        return s;
    }
}
