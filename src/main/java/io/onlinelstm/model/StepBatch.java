package io.onlinelstm.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Reusable buffers for one batched step of up to {@code capacity} series: the caller adds each
 * series' input and state, {@link LstmModel#step(StepBatch)} advances them all in one forward
 * call, and the caller reads each series' forecast and new state back.
 *
 * <p>Per series, h and c are {@code layers * hidden} floats, layer after layer. Nothing is
 * allocated per step: the native side reads from and writes to direct buffers owned here. Not
 * thread-safe; one per forecasting task.
 */
public final class StepBatch {

    private final int capacity;
    private final int features;
    private final int layers;
    private final int hidden;
    private final int horizon;

    private final float[] inputs;
    private final float[] h;
    private final float[] c;
    private final float[] forecasts;

    private final ByteBuffer inputBytes;
    private final ByteBuffer hBytes;
    private final ByteBuffer cBytes;
    private final FloatBuffer inputFloats;
    private final FloatBuffer hFloats;
    private final FloatBuffer cFloats;

    private int size;

    public StepBatch(LstmConfig config, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("StepBatch capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.features = config.features();
        this.layers = config.layers();
        this.hidden = config.hiddenSize();
        this.horizon = config.horizon();
        int state = layers * hidden;
        this.inputs = new float[capacity * features];
        this.h = new float[capacity * state];
        this.c = new float[capacity * state];
        this.forecasts = new float[capacity * horizon];
        this.inputBytes = direct(capacity * features);
        this.hBytes = direct(capacity * state);
        this.cBytes = direct(capacity * state);
        this.inputFloats = inputBytes.asFloatBuffer();
        this.hFloats = hBytes.asFloatBuffer();
        this.cFloats = cBytes.asFloatBuffer();
    }

    private static ByteBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    /**
     * Adds one series.
     *
     * @param input {@code features} values
     * @param seriesH the series' h over all layers, or null for a new series (zeros)
     * @param seriesC the series' c over all layers, or null for a new series (zeros)
     * @return the row of this series in the batch
     */
    public int add(float[] input, float[] seriesH, float[] seriesC) {
        if (input.length != features) {
            throw new IllegalArgumentException(
                    "Expected " + features + " input value(s) per series, got " + input.length);
        }
        int row = addState(seriesH, seriesC);
        System.arraycopy(input, 0, inputs, row * features, features);
        return row;
    }

    /** Adds one series of a single-feature model. */
    public int add(float input, float[] seriesH, float[] seriesC) {
        if (features != 1) {
            throw new IllegalArgumentException("This model takes " + features + " features per event");
        }
        int row = addState(seriesH, seriesC);
        inputs[row] = input;
        return row;
    }

    /** Takes the next row for a series and copies its state in. */
    private int addState(float[] seriesH, float[] seriesC) {
        if (size == capacity) {
            throw new IllegalStateException("StepBatch is full (" + capacity + " rows); step it first");
        }
        int row = size++;
        copyStateIn(seriesH, h, row);
        copyStateIn(seriesC, c, row);
        return row;
    }

    private void copyStateIn(float[] series, float[] target, int row) {
        int state = layers * hidden;
        if (series == null) {
            Arrays.fill(target, row * state, (row + 1) * state, 0f);
            return;
        }
        if (series.length != state) {
            throw new IllegalArgumentException(
                    "Expected state of " + state + " floats (layers x hidden), got " + series.length);
        }
        System.arraycopy(series, 0, target, row * state, state);
    }

    /** Forecast {@code k} (0-based, up to horizon - 1) of a row, after the step. */
    public float forecast(int row, int k) {
        checkRow(row);
        return forecasts[row * horizon + k];
    }

    /** Copies a row's forecasts (horizon values) into {@code target}. */
    public void copyForecast(int row, float[] target) {
        checkRow(row);
        System.arraycopy(forecasts, row * horizon, target, 0, horizon);
    }

    /** Copies a row's state into the series' own arrays (after the step: the new state). */
    public void copyState(int row, float[] seriesH, float[] seriesC) {
        checkRow(row);
        int state = layers * hidden;
        System.arraycopy(h, row * state, seriesH, 0, state);
        System.arraycopy(c, row * state, seriesC, 0, state);
    }

    private void checkRow(int row) {
        if (row < 0 || row >= size) {
            throw new IndexOutOfBoundsException("Row " + row + " of a batch of " + size);
        }
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public boolean isFull() {
        return size == capacity;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Empties the batch for the next step; buffers are kept. */
    public void clear() {
        size = 0;
    }

    // ---- used by LstmModel -------------------------------------------------------------------

    /** Writes inputs (B, 1, F) and states (layers, B, hidden) into the direct buffers. */
    void pack() {
        inputFloats.put(0, inputs, 0, size * features);
        int state = layers * hidden;
        for (int l = 0; l < layers; l++) {
            for (int r = 0; r < size; r++) {
                int to = (l * size + r) * hidden;
                int from = r * state + l * hidden;
                hFloats.put(to, h, from, hidden);
                cFloats.put(to, c, from, hidden);
            }
        }
    }

    ByteBuffer inputBytes() {
        return inputBytes.clear().limit(size * features * Float.BYTES);
    }

    ByteBuffer hBytes() {
        return hBytes.clear().limit(size * layers * hidden * Float.BYTES);
    }

    ByteBuffer cBytes() {
        return cBytes.clear().limit(size * layers * hidden * Float.BYTES);
    }

    /** Reads forecasts (B, 1, horizon) and new states (layers, B, hidden) from the step. */
    void unpack(FloatBuffer newForecasts, FloatBuffer newH, FloatBuffer newC) {
        newForecasts.get(0, forecasts, 0, size * horizon);
        int state = layers * hidden;
        for (int l = 0; l < layers; l++) {
            for (int r = 0; r < size; r++) {
                int from = (l * size + r) * hidden;
                int to = r * state + l * hidden;
                newH.get(from, h, to, hidden);
                newC.get(from, c, to, hidden);
            }
        }
    }
}
