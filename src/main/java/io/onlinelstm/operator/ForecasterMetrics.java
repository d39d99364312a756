package io.onlinelstm.operator;

import io.onlinelstm.io.DeadLetterReason;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.training.RoundOutcome;
import io.onlinelstm.training.TrainingMetrics;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** The forecaster's metrics, registered in one place; the stages' own counters are exposed here too. */
final class ForecasterMetrics {

    final Counter recordsIn;
    final Counter forecastsOut;
    final Counter stateReads;
    final Counter stateWrites;
    final Histogram bundleSizes;
    final Histogram stepMicros;
    private final Histogram latencyMillis;
    private final Histogram anomalyScores;
    private final RollingMean maeModel = new RollingMean(1_000);
    private final RollingMean maePersistence = new RollingMean(1_000);
    private final MetricGroup deadLetterGroup;
    private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);
    private final TrainingMetrics training;
    private final boolean scoring;

    ForecasterMetrics(MetricGroup group, BundleFunction function, ModelHolder holder) {
        recordsIn = group.counter("recordsIn");
        forecastsOut = group.counter("forecastsOut");
        stateReads = group.counter("seriesStateReads");
        stateWrites = group.counter("seriesStateWrites");
        deadLetterGroup = group.addGroup("deadLetters");
        bundleSizes = group.histogram("bundleSize", new DescriptiveStatisticsHistogram(1_000));
        stepMicros = group.histogram("stepTimeMicros", new DescriptiveStatisticsHistogram(1_000));
        latencyMillis = group.histogram("arrivalToForecastMillis", new DescriptiveStatisticsHistogram(10_000));
        anomalyScores = group.histogram("anomalyScorePermille", new DescriptiveStatisticsHistogram(10_000));
        group.gauge("rollingMaeModel", maeModel::get);
        group.gauge("rollingMaePersistence", maePersistence::get);
        group.gauge("modelVersion", holder::version);
        group.gauge("modelStalenessMillis", holder::stalenessMillis);
        group.counter("trainingWindowsOffered", function.windows().windowsOffered);
        AnomalyStage anomaly = function.anomaly();
        scoring = anomaly != null;
        // Registered with scoring off too (they stay 0), so dashboards find the same names either way.
        group.counter("alertsRaised", anomaly != null ? anomaly.alertsRaised : new SimpleCounter());
        group.counter("alertsCleared", anomaly != null ? anomaly.alertsCleared : new SimpleCounter());
        group.counter("anomalousReadings", anomaly != null ? anomaly.anomalousReadings : new SimpleCounter());
        group.counter("modelUpdatesIgnored", holder.updatesIgnored);
        group.counter("modelUpdatesRefused", holder.updatesRefused);
        training = holder.learner() == null ? null : new TrainingMetrics(group.addGroup("training"), holder.learner());
    }

    void forecast(Forecast f) {
        forecastsOut.inc();
        latencyMillis.update(f.latencyMs);
        if (f.error != null) {
            maeModel.add(Math.abs(f.error));
            if (scoring) {
                anomalyScores.update(Math.round(f.anomalyScore * 1000));
            }
        }
        if (f.persistenceError != null) {
            maePersistence.add(Math.abs(f.persistenceError));
        }
    }

    void deadLetter(DeadLetterReason reason) {
        deadLetters.computeIfAbsent(reason, r -> deadLetterGroup.counter(r.id())).inc();
    }

    /** An inline training round's outcome, if one ran. */
    void recordRound(RoundOutcome outcome) {
        if (outcome != null && training != null) {
            training.record(outcome);
        }
    }
}
