package io.onlinelstm.operator;

import io.onlinelstm.io.DeadLetterReason;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.StepBatch;
import io.onlinelstm.state.HalfFloat;
import io.onlinelstm.state.StepState;
import io.onlinelstm.state.WindowRing;

/**
 * The step stage, free of Flink: before the batched step it scores the previous forecast, folds
 * the reading into the series' normaliser and queues its normalised input; after the step it
 * stores the new h and c and turns the network's output into a forecast in the series' own units.
 * Owns the {@link StepState} part of the series state.
 */
public final class StepStage {

    private final LstmConfig config;
    private final ForecastTarget target;
    private final OutOfOrderPolicy outOfOrder;
    private final StepBatch batch;
    private final double[] raw;
    private final float[] normalised;
    /** A series' h and c in floats on their way into and out of the batch (the state keeps halves). */
    private final float[] seriesH;
    private final float[] seriesC;
    private int lastRow;

    public StepStage(LstmConfig config, ForecastTarget target, OutOfOrderPolicy outOfOrder, int bundleSize) {
        this.config = config;
        this.target = target;
        this.outOfOrder = outOfOrder;
        this.batch = new StepBatch(config, bundleSize);
        this.raw = new double[config.features()];
        this.normalised = new float[config.features()];
        this.seriesH = new float[config.stateSize()];
        this.seriesC = new float[config.stateSize()];
    }

    public StepState newState() {
        return StepState.create(config.stateSize(), config.features());
    }

    /** Why the reading is refused (not after its series' last one, under the dead-letter policy), or null. */
    public DeadLetterReason refusal(Reading reading, StepState state) {
        if (!state.hasLast() || reading.ts > state.lastTs || outOfOrder != OutOfOrderPolicy.DEAD_LETTER) {
            return null;
        }
        return reading.ts == state.lastTs ? DeadLetterReason.DUPLICATE_TS : DeadLetterReason.OUT_OF_ORDER;
    }

    /** Empties the batch for the next wave of series. */
    public void clear() {
        batch.clear();
    }

    public boolean isEmpty() {
        return batch.isEmpty();
    }

    /** The batch the model advances. */
    public StepBatch batch() {
        return batch;
    }

    /**
     * Scores the previous forecast, folds the reading into the state, and queues its normalised
     * input. Returns the half-built forecast (errors filled in); its batch row is {@link #lastRow()}.
     */
    public Forecast prepare(Reading reading, StepState state) {
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
        HalfFloat.toFloats(state.h, seriesH);
        HalfFloat.toFloats(state.c, seriesC);
        lastRow = batch.add(normalised, seriesH, seriesC);
        return out;
    }

    /** Batch row of the reading {@link #prepare} queued last. */
    public int lastRow() {
        return lastRow;
    }

    /** The normalised input {@link #prepare} computed last; valid until the next call. */
    public float[] lastInput() {
        return normalised;
    }

    /** Takes the step's result for {@code row} into the state and completes the forecast. */
    public void complete(Reading reading, StepState state, int row, Forecast out, long modelVersion) {
        batch.copyState(row, seriesH, seriesC);
        HalfFloat.fromFloats(seriesH, state.h);
        HalfFloat.fromFloats(seriesC, state.c);
        int horizon = config.horizon();
        float[] forecast = new float[horizon];
        for (int k = 0; k < horizon; k++) {
            float z = batch.forecast(row, k);
            forecast[k] = target == ForecastTarget.DELTA
                    ? (float) (reading.value + z * state.changeScale() * WindowRing.changeSteps(k + 1))
                    : state.denormaliseValue(z);
        }
        if (state.lastForecast == null || state.lastForecast.length != horizon) {
            state.lastForecast = new float[horizon];
        }
        System.arraycopy(forecast, 0, state.lastForecast, 0, horizon);
        state.lastValue = reading.value;
        state.lastTs = reading.ts;
        state.lastForecastVersion = modelVersion;
        out.forecast = forecast;
        out.modelVersion = modelVersion;
    }
}
