package io.onlinelstm.operator;

import io.onlinelstm.anomaly.AnomalySettings;
import io.onlinelstm.anomaly.ResidualScorer;
import io.onlinelstm.io.Alert;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.state.AnomalyState;
import io.onlinelstm.state.StepState;
import org.apache.flink.metrics.SimpleCounter;

/**
 * The anomaly stage, free of Flink: scores each reading from the error of the forecast made for
 * it, and raises at most one alert per quiet period per series. Owns the {@link AnomalyState}
 * part of the series state.
 *
 * <p>Scoring runs before the step (the reading is known, its forecast was made a step ago), so
 * that an anomalous reading can be kept out of training windows; the alert is raised after it.
 */
public final class AnomalyStage {

    private final AnomalySettings settings;
    private final ResidualScorer scorer;
    final SimpleCounter anomalousReadings = new SimpleCounter();
    final SimpleCounter alertsRaised = new SimpleCounter();

    public AnomalyStage(AnomalySettings settings) {
        this.settings = settings;
        this.scorer = new ResidualScorer(settings);
    }

    /**
     * Scores a residual of the forecast made for this reading in units of the series' typical
     * change, sets {@link Forecast#anomalyScore}, and says whether the reading is anomalous.
     * Readings without a forecast (a series' first) score 0.
     *
     * @param residual the reading minus the forecast the detector judges (see {@link #residual});
     *     NaN when there was none
     */
    public boolean score(AnomalyState state, StepState step, Forecast forecast, double residual) {
        if (forecast.error == null || Double.isNaN(residual)) {
            return false;
        }
        forecast.anomalyScore = scorer.score(state, Math.abs(residual) / step.changeScale());
        boolean anomalous = forecast.anomalyScore >= settings.threshold();
        if (anomalous) {
            anomalousReadings.inc();
        }
        return anomalous;
    }

    /** The residual this stage judges: the emitted forecast's or the network's own (anomaly.residual). */
    public double residual(Forecast emitted, double networkError) {
        if (settings.scoreCombined()) {
            return emitted.error == null ? Double.NaN : emitted.error;
        }
        return networkError;
    }

    /**
     * The alert for a scored reading, or null when it is not anomalous or its series alerted
     * within the quiet period.
     *
     * @param forecastVersion the model version that made the forecast the reading was scored on
     */
    public Alert alert(Reading reading, AnomalyState state, Forecast forecast, long forecastVersion) {
        if (forecast.anomalyScore < settings.threshold() || forecast.error == null) {
            return null;
        }
        long quiet = settings.quietPeriod().toMillis();
        if (state.lastAlertTs != Long.MIN_VALUE && reading.ts - state.lastAlertTs < quiet) {
            return null;
        }
        state.lastAlertTs = reading.ts;
        Alert alert = new Alert();
        alert.key = reading.key;
        alert.ts = reading.ts;
        alert.value = reading.value;
        alert.forecast = reading.value - forecast.error;
        alert.score = forecast.anomalyScore;
        alert.threshold = settings.threshold();
        alert.modelVersion = forecastVersion;
        alertsRaised.inc();
        return alert;
    }
}
