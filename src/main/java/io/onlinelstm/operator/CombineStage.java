package io.onlinelstm.operator;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.MemberWeights;
import io.onlinelstm.state.CombineState;
import io.onlinelstm.state.StepState;

/**
 * The combine stage, free of Flink: makes the forecast the job emits a weighted combination of
 * three members, the network's forecast, the series' online autoregression ({@link OnlineAr}) and
 * persistence, with weights learnt from each member's past errors only ({@link Combiner}), and
 * gives it an 80 % interval. Owns the {@link CombineState} part of the series state.
 *
 * <p>Before the step (the reading is known) it scores the members' and the combined forecasts made
 * for the reading and lets the autoregression learn; after the step it makes the next combined
 * forecast. The emitted error (and so the anomaly stage) is the combined forecast's; the network's
 * own error is left to the caller for what judges the network (live errors, rollback).
 *
 * <p>Horizon H > 1: every step is combined, the autoregression iterating its one-step forecast
 * and persistence repeating the reading; the weights are those learnt on the first step (each
 * step's own would need the forecasts of the last H readings kept per series), and the interval is
 * the first value's.
 */
public final class CombineStage {

    private final OnlineAr ar;
    private final Combiner combiner;
    private final double[] errors = new double[CombineState.MEMBERS];
    private final double[] members = new double[CombineState.MEMBERS];
    private final double[] weights = new double[CombineState.MEMBERS];
    /** Scratch: the autoregression's iterated changes over the horizon, and one later step's weights. */
    private double[] path = new double[0];
    private final double[] stepWeights = new double[CombineState.MEMBERS];

    public CombineStage(CombineSettings settings) {
        this.ar = new OnlineAr(settings.arLags(), settings.arForgetting());
        this.combiner = new Combiner(settings.discount(), settings.sharpness());
    }

    public CombineState newState() {
        return ar.newState();
    }

    /** The state to use: {@code s}, or a fresh one for a series restored without (or with other lags). */
    public CombineState ensure(CombineState s) {
        return s != null && s.lags() == ar.lags() ? s : ar.newState();
    }

    /**
     * Scores the forecasts made for this reading and learns from it. Call after the step stage's
     * prepare (the step state has taken the reading into its normaliser, not yet as its last value).
     *
     * @param networkError the reading minus the network's forecast for it; null when there was none
     */
    public void observe(CombineState s, StepState step, Forecast out, Double networkError) {
        double value = out.value;
        double unit = step.changeScale();
        Double change = out.persistenceError;
        if (change != null && !Float.isNaN(s.lastCombined) && !Float.isNaN(s.lastAr)) {
            errors[CombineState.LSTM] = networkError == null ? Double.NaN : networkError / unit;
            errors[CombineState.AR] = (value - s.lastAr) / unit;
            errors[CombineState.PERSISTENCE] = change / unit;
            double combined = value - s.lastCombined;
            combiner.observe(s, errors, combined / unit);
            out.error = combined;
        }
        double input = change == null ? 0.0 : change / unit;
        if (change != null && !Float.isNaN(s.lastAr)) {
            if (ar.update(s, input)) {
                // An outlier enters the lags as the change that was expected, so that a spike does not
                // echo through the next forecasts for as many readings as there are lags (a robust filter).
                input = ar.lastPrediction();
            }
        }
        ar.shift(s, input, level(step, value, unit));
    }

    /**
     * The level input: the value's distance from the series' mean in typical changes, the unit of
     * the target, so that a jump which inflates the level's spread does not rescale this input
     * (the change scale moves far less); clipped at {@value OnlineAr#INPUT_CLIP} level deviations.
     */
    static double level(StepState step, double value, double unit) {
        double bound = OnlineAr.INPUT_CLIP * step.scale(0) / unit;
        double level = (value - step.mean[0]) / unit;
        return Math.max(-bound, Math.min(bound, level));
    }

    /**
     * Steps 2 to H of the forecast, each the combination of the network's step, the autoregression
     * iterated to it and persistence, with the first step's weights (already in {@link #weights}).
     */
    private void combineLaterSteps(CombineState s, Forecast out, double value, double unit) {
        int horizon = out.forecast.length;
        if (path.length != horizon) {
            path = new double[horizon];
        }
        ar.predictPath(s, path);
        double arLevel = value;
        for (int k = 0; k < horizon; k++) {
            arLevel += path[k] * unit;
            if (k == 0) {
                continue;
            }
            System.arraycopy(weights, 0, stepWeights, 0, CombineState.MEMBERS);
            members[CombineState.LSTM] = out.forecast[k];
            members[CombineState.AR] = arLevel;
            members[CombineState.PERSISTENCE] = value;
            if (!Double.isFinite(members[CombineState.LSTM])) {
                stepWeights[CombineState.AR] += stepWeights[CombineState.LSTM];
                stepWeights[CombineState.LSTM] = 0;
                members[CombineState.LSTM] = 0;
            }
            out.forecast[k] = (float) Combiner.combine(stepWeights, members);
        }
    }

    /** Makes the next combined forecast; call after the step stage's complete. */
    public void complete(CombineState s, StepState step, Forecast out) {
        double value = out.value;
        double unit = step.changeScale();
        double arForecast = value + ar.predict(s) * unit;
        members[CombineState.LSTM] = out.forecast[0];
        members[CombineState.AR] = arForecast;
        members[CombineState.PERSISTENCE] = value;
        combiner.weights(s, weights);
        if (!Double.isFinite(members[CombineState.LSTM])) {
            // A network that returned no number has no say in this forecast.
            weights[CombineState.AR] += weights[CombineState.LSTM];
            weights[CombineState.LSTM] = 0;
            members[CombineState.LSTM] = 0;
        }
        float combined = (float) Combiner.combine(weights, members);
        if (out.forecast.length > 1) {
            combineLaterSteps(s, out, value, unit);
        }
        out.forecast[0] = combined;
        out.weights = new MemberWeights(weights[CombineState.LSTM], weights[CombineState.AR],
                weights[CombineState.PERSISTENCE]);
        double half = Combiner.halfWidth80(s) * unit;
        if (Double.isFinite(half)) {
            out.lower = combined - half;
            out.upper = combined + half;
        }
        s.lastAr = (float) arForecast;
        s.lastCombined = combined;
    }
}
