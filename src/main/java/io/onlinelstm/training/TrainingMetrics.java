package io.onlinelstm.training;

import org.apache.flink.metrics.MetricGroup;

/** Gauges of an {@link OnlineLearner}: losses of the last round, versions published and rejected. */
public final class TrainingMetrics {

    private volatile float trainLoss = Float.NaN;
    private volatile float candidateLoss = Float.NaN;
    private volatile float servingLoss = Float.NaN;

    public TrainingMetrics(MetricGroup group, OnlineLearner learner) {
        group.gauge("trainingLoss", () -> trainLoss);
        group.gauge("validationLossCandidate", () -> candidateLoss);
        group.gauge("validationLossServing", () -> servingLoss);
        group.gauge("versionsPublished", learner::published);
        group.gauge("versionsRejected", learner::rejected);
        group.gauge("rollbacks", learner::rollbacks);
        group.gauge("windowsRefused", learner::refusedWindows);
        group.gauge("replayBufferSize", learner::bufferSize);
    }

    public void record(RoundOutcome outcome) {
        trainLoss = outcome.trainLoss();
        candidateLoss = outcome.candidateLoss();
        servingLoss = outcome.servingLoss();
    }
}
