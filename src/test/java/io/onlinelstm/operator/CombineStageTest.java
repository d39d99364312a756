package io.onlinelstm.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.state.CombineState;
import io.onlinelstm.state.StepState;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The combine stage alone (online autoregression and combination), on synthetic series with plain
 * Java inputs, deterministic: an AR(2) process, a random walk, a level shift of 50 sigma and back.
 */
class CombineStageTest {

    static final CombineSettings DEFAULTS = new CombineSettings(24, 0.999, 0.99, 10.0);

    /** What one series' run through the stage left: per step the errors and weights. */
    static final class Run {
        final double[] combinedError;
        final double[] arError;
        final double[] persistenceError;
        final double[] networkError;
        final double[][] weights;
        final boolean[] covered;
        final boolean[] hasInterval;
        final CombineState state;

        Run(int n, CombineState state) {
            combinedError = new double[n];
            arError = new double[n];
            persistenceError = new double[n];
            networkError = new double[n];
            weights = new double[n][];
            covered = new boolean[n];
            hasInterval = new boolean[n];
            this.state = state;
        }

        double mse(double[] errors, int from, int to) {
            double s = 0;
            for (int t = from; t < to; t++) {
                s += errors[t] * errors[t];
            }
            return s / (to - from);
        }

        double meanWeight(int member, int from, int to) {
            double s = 0;
            for (int t = from; t < to; t++) {
                s += weights[t][member];
            }
            return s / (to - from);
        }
    }

    /**
     * Drives the stage as the bundle function does: the step state takes the reading, the stage
     * scores and learns, the "network" forecasts ({@code network} of the value), the stage combines.
     */
    static Run run(double[] series, DoubleUnaryOperator network, CombineSettings settings) {
        CombineStage stage = new CombineStage(settings);
        CombineState state = stage.newState();
        StepState step = StepState.create(2, 1);
        Run run = new Run(series.length, state);
        Forecast previous = null;
        for (int t = 0; t < series.length; t++) {
            double v = series[t];
            Forecast f = new Forecast();
            f.key = "a";
            f.ts = t;
            f.value = v;
            Double networkError = step.lastForecast == null ? null : v - step.lastForecast[0];
            f.error = networkError;
            if (step.hasLast()) {
                f.persistenceError = v - step.lastValue;
            }
            double arForecast = state.lastAr;
            step.observe(new double[] {v});
            stage.observe(state, step, f, networkError);
            if (previous != null) {
                run.combinedError[t] = f.error;
                assertEquals(v - previous.forecast[0], f.error, 1e-9, "the emitted error is the emitted forecast's");
                run.arError[t] = v - arForecast;
                run.persistenceError[t] = f.persistenceError;
                run.networkError[t] = networkError;
                if (previous.lower != null) {
                    run.hasInterval[t] = true;
                    run.covered[t] = v >= previous.lower && v <= previous.upper;
                }
            }
            f.forecast = new float[] {(float) network.applyAsDouble(v)};
            step.lastForecast = f.forecast.clone();
            step.lastValue = v;
            stage.complete(state, step, f);
            assertNotNull(f.weights);
            double sum = f.weights.lstm + f.weights.ar + f.weights.persistence;
            assertEquals(1.0, sum, 1e-9, "weights sum to 1 at step " + t);
            run.weights[t] = new double[] {f.weights.lstm, f.weights.ar, f.weights.persistence};
            previous = f;
        }
        return run;
    }

    /**
     * Horizon 24 on a series that repeats a daily pattern exactly (two harmonics of period 24),
     * with a network that only ever forecasts persistence: every step of the combined forecast
     * follows the autoregression iterated to it, so the pattern is forecast a day ahead; and the
     * later steps leave the first value (and so everything the stage learns) as with horizon 1.
     */
    @Test
    void everyStepOfAHorizon24ForecastCombinesTheIteratedAutoregression() {
        int horizon = 24;
        int n = 3_000;
        double[] x = new double[n + horizon];
        for (int t = 0; t < x.length; t++) {
            x[t] = 50 + 10 * Math.sin(2 * Math.PI * t / 24) + 4 * Math.sin(4 * Math.PI * t / 24 + 1);
        }
        CombineStage stage = new CombineStage(DEFAULTS);
        CombineStage single = new CombineStage(DEFAULTS);
        CombineState state = stage.newState();
        CombineState singleState = single.newState();
        StepState step = StepState.create(2, 1);
        double sumSquares = 0;
        double persistenceSquares = 0;
        double variance = 0;
        int scored = 0;
        for (int t = 0; t < n; t++) {
            double v = x[t];
            Forecast f = forecastOf(v, step);
            Forecast g = forecastOf(v, step);
            Double networkError = step.hasLast() ? v - step.lastValue : null;
            step.observe(new double[] {v});
            stage.observe(state, step, f, networkError);
            single.observe(singleState, step, g, networkError);
            f.forecast = new float[horizon];
            java.util.Arrays.fill(f.forecast, (float) v);
            g.forecast = new float[] {(float) v};
            step.lastValue = v;
            stage.complete(state, step, f);
            single.complete(singleState, step, g);
            assertEquals(g.forecast[0], f.forecast[0], 0f, "step 1 at reading " + t + " is the horizon-1 forecast");
            if (t >= n - 500) {
                for (int k = 1; k <= horizon; k++) {
                    double e = f.forecast[k - 1] - x[t + k];
                    sumSquares += e * e;
                    persistenceSquares += (v - x[t + k]) * (v - x[t + k]);
                    variance += (x[t + k] - 50) * (x[t + k] - 50);
                    scored++;
                }
            }
        }
        double mse = sumSquares / scored;
        double relative = mse / (variance / scored);
        assertTrue(relative < 0.01, "24 steps ahead within 1 % of the pattern's variance: " + relative
                + " (persistence " + persistenceSquares / variance + ")");
    }

    private static Forecast forecastOf(double v, StepState step) {
        Forecast f = new Forecast();
        f.key = "a";
        f.value = v;
        if (step.hasLast()) {
            f.persistenceError = v - step.lastValue;
        }
        return f;
    }

    /** x_t = mean + 0.6 (x_{t-1} - mean) - 0.3 (x_{t-2} - mean) + e_t, e ~ N(0, 1). */
    static double[] ar2(int n, long seed) {
        Random random = new Random(seed);
        double[] x = new double[n];
        double a = 0;
        double b = 0;
        for (int t = 0; t < n; t++) {
            double next = 0.6 * a - 0.3 * b + random.nextGaussian();
            b = a;
            a = next;
            x[t] = 10 + next;
        }
        return x;
    }

    /** A network that is persistence plus noise of half the innovation's size: plausible, never the best. */
    static DoubleUnaryOperator noisyPersistence(long seed) {
        Random random = new Random(seed);
        return v -> v + 0.5 * random.nextGaussian();
    }

    @Test
    void onAnAr2ProcessTheCombinationConvergesToTheAutoregression() {
        int n = 5_000;
        Run r = run(ar2(n, 1), noisyPersistence(2), DEFAULTS);
        int from = 4_000;
        double ar = r.mse(r.arError, from, n);
        double combined = r.mse(r.combinedError, from, n);
        double persistence = r.mse(r.persistenceError, from, n);
        assertTrue(ar < 1.1, "the AR member learns the process (innovation variance 1): " + ar);
        assertTrue(persistence > 1.3 * ar, "persistence is clearly worse here: " + persistence + " vs " + ar);
        assertTrue(r.meanWeight(CombineState.AR, from, n) > 0.9, "AR's weight dominates: " + r.meanWeight(CombineState.AR, from, n));
        assertTrue(combined < 1.03 * ar, "combined " + combined + " near AR's " + ar);
    }

    @Test
    void onARandomWalkPersistenceDominatesAndTheCombinationIsNoWorse() {
        int n = 5_000;
        Random random = new Random(7);
        double[] walk = new double[n];
        for (int t = 1; t < n; t++) {
            walk[t] = walk[t - 1] + random.nextGaussian();
        }
        // The network here forecasts the series' starting level: a badly wrong level model.
        Run r = run(walk, v -> 0.0, DEFAULTS);
        int from = 2_000;
        double persistence = r.mse(r.persistenceError, from, n);
        double combined = r.mse(r.combinedError, from, n);
        double wp = r.meanWeight(CombineState.PERSISTENCE, from, n);
        double wa = r.meanWeight(CombineState.AR, from, n);
        double wl = r.meanWeight(CombineState.LSTM, from, n);
        assertTrue(wp > wa && wp > wl, "persistence has the largest weight: " + wp + " vs AR " + wa + ", LSTM " + wl);
        assertTrue(wl < 1e-3, "the wrong network is shut out: " + wl);
        assertTrue(combined < 1.02 * persistence, "combined " + combined + " vs persistence " + persistence);
    }

    /**
     * A level shift of 50 sigma for 20 readings, and back. Measured against the same series without
     * the jump: over the 1,000 readings from 20 after the return the AR's error is within 15 % of it,
     * over the next 1,000 within 10 % (its coefficients were not wrecked: clipped inputs, clipped
     * residuals; what remains is the all-history normaliser's memory of the jump), and the combination gives
     * the AR its weight back within 400 readings (the discount's memory of the AR's errors during
     * the shift, when it expected the level to revert).
     */
    @Test
    void aJumpOf50SigmaAndBackDoesNotWreckTheAutoregression() {
        int n = 6_000;
        int jump = 4_000;
        double[] x = ar2(n, 3);
        for (int t = jump; t < jump + 20; t++) {
            x[t] += 50;
        }
        Run r = run(x, noisyPersistence(4), DEFAULTS);
        Run clean = run(ar2(n, 3), noisyPersistence(4), DEFAULTS);
        int back = jump + 20;
        double after = r.mse(r.arError, back + 20, back + 1_020);
        double cleanAfter = clean.mse(clean.arError, back + 20, back + 1_020);
        assertTrue(after < 1.15 * cleanAfter, "AR error after the return " + after + " vs without the jump " + cleanAfter);
        double late = r.mse(r.arError, back + 1_000, n);
        double cleanLate = clean.mse(clean.arError, back + 1_000, n);
        // What remains is the normaliser's memory of the jump (all-history mean and spread), not the coefficients.
        assertTrue(late < 1.1 * cleanLate, "and later " + late + " vs " + cleanLate);
        assertTrue(r.meanWeight(CombineState.AR, back + 400, back + 1_400) > 0.9,
                "AR's weight is back: " + r.meanWeight(CombineState.AR, back + 400, back + 1_400));
        double combined = r.mse(r.combinedError, back + 400, back + 1_400);
        assertTrue(combined < 1.1 * clean.mse(clean.combinedError, back + 400, back + 1_400), "combined recovers: " + combined);
    }

    /** A permanent level shift of 50 sigma: a new regime, which the AR takes up within 20 readings. */
    @Test
    void aPermanentLevelShiftIsTakenUpQuickly() {
        int n = 6_000;
        int shift = 4_000;
        double[] x = ar2(n, 3);
        for (int t = shift; t < n; t++) {
            x[t] += 50;
        }
        Run r = run(x, noisyPersistence(4), DEFAULTS);
        double ar = r.mse(r.arError, shift + 20, shift + 1_020);
        assertTrue(ar < 1.4, "AR error after the shift (innovation variance 1): " + ar);
        double combined = r.mse(r.combinedError, shift + 20, n);
        assertTrue(combined < r.mse(r.persistenceError, shift + 20, n), "combined beats persistence: " + combined);
    }

    /** The process changes its coefficients: the AR follows within its forgetting's memory (about 1,000 readings). */
    @Test
    void aChangeOfCoefficientsIsFollowed() {
        int n = 8_000;
        int change = 4_000;
        Random random = new Random(9);
        double[] x = new double[n];
        double a = 0;
        double b = 0;
        for (int t = 0; t < n; t++) {
            double p1 = t < change ? 0.6 : -0.5;
            double p2 = t < change ? -0.3 : 0.3;
            double next = p1 * a + p2 * b + random.nextGaussian();
            b = a;
            a = next;
            x[t] = 10 + next;
        }
        Run r = run(x, noisyPersistence(4), DEFAULTS);
        double ar = r.mse(r.arError, change + 1_500, n);
        assertTrue(ar < 1.1, "AR error in the new regime: " + ar);
        double combined = r.mse(r.combinedError, change, n);
        assertTrue(combined < 0.5 * r.mse(r.persistenceError, change, n), "combined " + combined + " far below persistence");
        assertTrue(combined < 1.05 * r.mse(r.arError, change, n), "and no worse than the AR");
    }

    @Test
    void theEightyPercentIntervalCoversAboutEightyPercent() {
        int n = 5_000;
        Run r = run(ar2(n, 5), noisyPersistence(6), DEFAULTS);
        int covered = 0;
        int with = 0;
        for (int t = 1_000; t < n; t++) {
            if (r.hasInterval[t]) {
                with++;
                covered += r.covered[t] ? 1 : 0;
            }
        }
        assertEquals(n - 1_000, with, "every forecast after warm-up has an interval");
        double share = covered / (double) with;
        assertTrue(share > 0.75 && share < 0.85, "coverage " + share);
    }

    @Test
    void aFreshStateStartsWithEqualWeightsAndTheArForecastsPersistence() {
        CombineStage stage = new CombineStage(DEFAULTS);
        CombineState s = stage.newState();
        double[] w = new double[3];
        new Combiner(0.99, 10).weights(s, w);
        assertEquals(1.0 / 3, w[0], 1e-12);
        assertEquals(0.0, new OnlineAr(24, 0.999).predict(s), 0.0);
        assertEquals(24, stage.ensure(null).lags());
        CombineState otherLags = new OnlineAr(8, 0.999).newState();
        assertEquals(24, stage.ensure(otherLags).lags(), "a state made for other lags starts afresh");
        assertTrue(stage.ensure(s) == s);
    }
}
