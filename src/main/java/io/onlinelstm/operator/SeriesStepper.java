package io.onlinelstm.operator;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.StepBatch;
import io.onlinelstm.state.SeriesState;

/**
 * The per-series arithmetic around one batched step, free of Flink: before the step, score the
 * previous forecast, update the normaliser and window, and queue the normalised input; after it,
 * store the new h and c and turn the output into a forecast in the series' own units.
 */
final class SeriesStepper {

    private final LstmConfig config;
    private final int windowCapacity;
    private final ForecastTarget target;
    private final double[] raw;
    private final float[] normalised;

    SeriesStepper(LstmConfig config, int windowCapacity, ForecastTarget target) {
        this.config = config;
        this.windowCapacity = windowCapacity;
        this.target = target;
        this.raw = new double[config.features()];
        this.normalised = new float[config.features()];
    }

    SeriesState newState() {
        return SeriesState.create(config.stateSize(), config.features(), windowCapacity);
    }

    /**
     * Scores the previous forecast, folds the reading into the state, and adds its normalised
     * input to {@code batch}. Returns the half-built forecast (errors filled in).
     */
    Forecast prepare(Reading reading, SeriesState state, StepBatch batch, long[] rowOut, int slot) {
        Forecast out = new Forecast();
        out.key = reading.key;
        out.ts = reading.ts;
        out.value = reading.value;
        if (state.lastForecast != null) {
            out.error = reading.value - state.lastForecast[0];
        }
        if (state.hasLast()) {
            out.persistenceError = reading.value - state.lastValue;
        }
        raw[0] = reading.value;
        for (int i = 1; i < raw.length; i++) {
            raw[i] = reading.features[i - 1];
        }
        // The reading is known now, so its own statistics may shape its scaling: no look-ahead.
        state.observe(raw);
        for (int i = 0; i < raw.length; i++) {
            normalised[i] = state.normalise(i, raw[i]);
        }
        state.pushWindow(normalised);
        rowOut[slot] = batch.add(normalised, state.h, state.c);
        return out;
    }

    /** Takes the step's result for {@code row} into the state and completes the forecast. */
    void complete(Reading reading, SeriesState state, StepBatch batch, int row, Forecast out) {
        batch.copyState(row, state.h, state.c);
        int horizon = config.horizon();
        float[] forecast = new float[horizon];
        for (int k = 0; k < horizon; k++) {
            float z = batch.forecast(row, k);
            forecast[k] = target == ForecastTarget.DELTA
                    ? (float) (reading.value + z * state.changeScale())
                    : state.denormaliseValue(z);
        }
        if (state.lastForecast == null || state.lastForecast.length != horizon) {
            state.lastForecast = new float[horizon];
        }
        System.arraycopy(forecast, 0, state.lastForecast, 0, horizon);
        state.lastValue = reading.value;
        state.lastTs = reading.ts;
        out.forecast = forecast;
    }
}
