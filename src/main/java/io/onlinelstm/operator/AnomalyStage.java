package io.onlinelstm.operator;

import io.onlinelstm.anomaly.AlertLifecycle;
import io.onlinelstm.anomaly.AnomalyDetector;
import io.onlinelstm.anomaly.AnomalySettings;
import io.onlinelstm.io.Alert;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.state.AnomalyState;
import io.onlinelstm.state.StepState;
import org.apache.flink.metrics.SimpleCounter;

/**
 * The anomaly stage, free of Flink: scores each reading ({@link AnomalyDetector}) from its value
 * and the error of the forecast made for it, and turns scores into alerts: an alert opens on an
 * anomalous reading of a series with none open, stays open while anomalous readings keep coming,
 * and clears (an alert-cleared record) once the series has stayed under the threshold for the
 * quiet period of event time. Owns the {@link AnomalyState} part of the series state.
 *
 * <p>Scoring runs before the step (the reading is known, its forecast was made a step ago), so
 * that an anomalous reading can be kept out of training windows; alerts are raised after it.
 */
public final class AnomalyStage {

    /** Half-width of an 80 % band in standard deviations of the forecast's error. */
    private static final double Z80 = 1.2816;

    private final AnomalySettings settings;
    private final AnomalyDetector detector;
    final SimpleCounter anomalousReadings = new SimpleCounter();
    final SimpleCounter alertsRaised = new SimpleCounter();
    final SimpleCounter alertsCleared = new SimpleCounter();

    public AnomalyStage(AnomalySettings settings) {
        this.settings = settings;
        this.detector = new AnomalyDetector(settings);
    }

    /**
     * Scores a reading, sets {@link Forecast#anomalyScore} and {@link Forecast#anomalyPart}, and
     * says whether it belongs to an anomaly: its score before the detector's filters is over the
     * threshold (such readings stay out of training and keep an open alert open, though only the
     * first of an event is reported).
     *
     * @param residual the reading minus the forecast the detector judges (see {@link #residual});
     *     NaN when there was none (a series' first reading: only its value is judged)
     */
    public boolean score(AnomalyState state, StepState step, Forecast forecast, double residual) {
        double unit = forecast.persistenceError == null ? step.changeScale()
                : step.changeScaleBefore(forecast.persistenceError);
        AnomalyDetector.Score score = detector.score(state, forecast.ts, forecast.value, Math.abs(residual), unit);
        forecast.anomalyScore = score.score();
        forecast.anomalyPart = score.part() == AnomalyDetector.Part.NONE ? null : score.part().label();
        if (score.score() >= settings.threshold()) {
            anomalousReadings.inc();
        }
        return score.unfiltered() >= settings.threshold();
    }

    /** The residual this stage judges: the emitted forecast's or the network's own (anomaly.residual). */
    public double residual(Forecast emitted, double networkError) {
        if (settings.scoreCombined()) {
            return emitted.error == null ? Double.NaN : emitted.error;
        }
        return networkError;
    }

    /**
     * The alert record for a scored reading, if any: an alert when an anomalous reading opens one,
     * an alert-cleared record when the series' open alert has had no anomalous reading for the
     * quiet period; otherwise null.
     *
     * @param forecastVersion the model version that made the forecast the reading was scored on
     * @param errorScale the recent typical size of the forecast's error, in the series' units (for
     *     the expected band); NaN when not known yet
     * @param ongoing what {@link #score} said of the reading: part of an anomaly, reported or not
     */
    public Alert alert(Reading reading, AnomalyState state, Forecast forecast, long forecastVersion, double errorScale,
                       boolean ongoing) {
        boolean reported = forecast.anomalyScore >= settings.threshold();
        return switch (AlertLifecycle.next(state, reading.ts, reported, ongoing, settings.quietPeriod().toMillis())) {
            case RAISED -> {
                alertsRaised.inc();
                yield record(Alert.RAISED, reading, forecast, forecastVersion, errorScale);
            }
            case CLEARED -> {
                alertsCleared.inc();
                yield record(Alert.CLEARED, reading, forecast, forecastVersion, errorScale);
            }
            case NONE -> null;
        };
    }

    private Alert record(String type, Reading reading, Forecast forecast, long forecastVersion, double errorScale) {
        Alert alert = new Alert();
        alert.type = type;
        alert.key = reading.key;
        alert.ts = reading.ts;
        alert.value = reading.value;
        alert.forecast = forecast.error == null ? null : reading.value - forecast.error;
        if (Double.isFinite(errorScale) && alert.forecast != null) {
            alert.lower = alert.forecast - Z80 * errorScale;
            alert.upper = alert.forecast + Z80 * errorScale;
        }
        alert.score = forecast.anomalyScore;
        alert.part = forecast.anomalyPart;
        alert.threshold = settings.threshold();
        alert.modelVersion = forecastVersion;
        return alert;
    }
}
