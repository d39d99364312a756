package io.onlinelstm.operator;

import io.onlinelstm.io.Alert;
import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.DeadLetterReason;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.StepBatch;
import io.onlinelstm.state.SeriesState;
import io.onlinelstm.training.LiveErrorReport;
import io.onlinelstm.training.TrainingWindow;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The bundle's work, free of Flink (the shell reads and writes the states around it): steps every
 * reading of a bundle, wave after wave, through the stages (step, combine, windows, anomaly) with the
 * holder's model, and hands what comes out to an {@link Outputs}.
 */
final class BundleFunction {

    /** Where the bundle's results go. */
    interface Outputs {
        void forecast(Forecast forecast, long ts);

        void deadLetter(DeadLetter letter, DeadLetterReason reason, long ts);

        void alert(Alert alert, long ts);

        void window(TrainingWindow window, long ts);

        void liveError(LiveErrorReport report);

        /** Microseconds the batched step took, and the wave's size. */
        void stepped(long micros, int rows);
    }

    private final StepStage step;
    private final WindowStage windows;
    private final AnomalyStage anomaly;
    private final CombineStage combine;
    private final LiveErrorTracker liveErrors;
    private final BiConsumer<LstmModel, StepBatch> advance;
    // per-wave scratch, by position in the bundle
    private final Forecast[] forecasts;
    private final int[] rows;
    private final long[] scoredVersions;
    /** Per reading of the bundle: part of an anomaly (AnomalyStage#score), for its alert after the step. */
    private final boolean[] inAnomaly;
    /** The network's own error on each reading (NaN: none): what judges the network, whatever is emitted. */
    private final double[] networkErrors;

    /**
     * @param anomaly null: no scores, no alerts
     * @param combine null: the network's forecast is emitted as it is
     * @param liveErrors null: no live-error reports
     * @param advance the batched step (benchmarks swap in a no-op to measure everything around it)
     */
    BundleFunction(int bundleSize, StepStage step, WindowStage windows, AnomalyStage anomaly, CombineStage combine,
                   LiveErrorTracker liveErrors, BiConsumer<LstmModel, StepBatch> advance) {
        this.step = step;
        this.windows = windows;
        this.anomaly = anomaly;
        this.combine = combine;
        this.liveErrors = liveErrors;
        this.advance = advance;
        this.forecasts = new Forecast[bundleSize];
        this.rows = new int[bundleSize];
        this.scoredVersions = new long[bundleSize];
        this.inAnomaly = new boolean[bundleSize];
        this.networkErrors = new double[bundleSize];
    }

    WindowStage windows() {
        return windows;
    }

    /** The anomaly stage, or null when scoring is off. */
    AnomalyStage anomaly() {
        return anomaly;
    }

    SeriesState newState() {
        return new SeriesState(step.newState(), windows.newState(), new io.onlinelstm.state.AnomalyState(),
                combine == null ? null : combine.newState());
    }

    /**
     * Steps the whole bundle; {@code states} holds every series of the bundle and is updated in
     * place. {@code changed} receives the series that took at least one reading: only their state
     * changed (a series whose readings were all refused is left as it was, TTL included).
     */
    void run(ReadingBundle bundle, Map<String, SeriesState> states, ModelHolder holder, Outputs out,
             java.util.Set<String> changed) {
        for (int wave = 0; wave < bundle.waves(); wave++) {
            runWave(bundle, wave, states, holder, out, changed);
        }
    }

    private void runWave(ReadingBundle bundle, int wave, Map<String, SeriesState> states, ModelHolder holder,
                         Outputs out, java.util.Set<String> changed) {
        int n = bundle.size();
        long now = System.currentTimeMillis();
        step.clear();
        for (int i = 0; i < n; i++) {
            forecasts[i] = null;
            if (bundle.waveOf(i) != wave) {
                continue;
            }
            Reading reading = bundle.get(i);
            SeriesState state = states.get(reading.key);
            DeadLetterReason refusal = step.refusal(reading, state.step);
            if (refusal != null) {
                out.deadLetter(refusalLetter(reading, state, refusal), refusal, reading.ts);
                continue;
            }
            changed.add(reading.key);
            scoredVersions[i] = state.step.lastForecastVersion;
            Forecast forecast = step.prepare(reading, state.step);
            rows[i] = step.lastRow();
            forecasts[i] = forecast;
            networkErrors[i] = forecast.error == null ? Double.NaN : forecast.error;
            if (combine != null) {
                state.combine = combine.ensure(state.combine);
                combine.observe(state.combine, state.step, forecast, forecast.error);
            }
            windows.push(state.window, step.lastInput());
            inAnomaly[i] = anomaly != null
                    && anomaly.score(state.anomaly, state.step, forecast, anomaly.residual(forecast, networkErrors[i]));
            if (inAnomaly[i]) {
                windows.flagAnomalous(state.window);
            }
            TrainingWindow window = windows.offer(reading, state.window, state.step, now);
            if (window != null) {
                if (holder.learner() != null) {
                    holder.offer(window);
                } else {
                    out.window(window, reading.ts);
                }
            }
        }
        if (step.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        advance.accept(holder.model(), step.batch());
        out.stepped((System.nanoTime() - start) / 1_000, step.batch().size());
        now = System.currentTimeMillis();
        holder.stepped(now);
        for (int i = 0; i < n; i++) {
            Forecast forecast = forecasts[i];
            if (forecast == null) {
                continue;
            }
            forecasts[i] = null;
            Reading reading = bundle.get(i);
            SeriesState state = states.get(reading.key);
            step.complete(reading, state.step, rows[i], forecast, holder.version());
            if (combine != null) {
                combine.complete(state.combine, state.step, forecast);
            }
            if (anomaly != null) {
                // The band of the emitted forecast: the combination's own error scale, or, without
                // one, the series' typical change (what persistence would miss by).
                double errorScale = state.combine != null
                        ? Combiner.errorScale(state.combine) * state.step.changeScale()
                        : state.step.changeScale();
                Alert alert = anomaly.alert(reading, state.anomaly, forecast, scoredVersions[i], errorScale, inAnomaly[i]);
                if (alert != null) {
                    out.alert(alert, reading.ts);
                }
            }
            forecast.latencyMs = Math.max(0, now - reading.arrivalMillis);
            if (liveErrors != null && !Double.isNaN(networkErrors[i])) {
                // Rollback judges the network's versions, so by the network's own error.
                liveErrors.add(scoredVersions[i], Math.abs(networkErrors[i])).forEach(out::liveError);
            }
            out.forecast(forecast, reading.ts);
        }
    }

    private static DeadLetter refusalLetter(Reading reading, SeriesState state, DeadLetterReason reason) {
        String detail = "ts " + reading.ts + " is not after the series' last accepted ts " + state.step.lastTs
                + " (policy forecaster.out-of-order=dead-letter; accept takes such readings)";
        return new DeadLetter(JsonCodec.readingPayload(reading), reason, detail,
                reading.topic, reading.partition, reading.offset);
    }
}
