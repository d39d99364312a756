package io.onlinelstm.training;

import io.onlinelstm.model.ModelWeights;

/**
 * What one training round produced: a published candidate (with its new version and weights) or a
 * rejected one (with the reason).
 *
 * @param trainLoss mean loss of the round's applied Adam steps
 * @param candidateLoss validation loss of the candidate on the holdout windows
 * @param servingLoss validation loss of the serving model on the same windows
 * @param newestWindowAt wall-clock arrival of the newest window the round could train on
 */
public record RoundOutcome(
        boolean published,
        long version,
        ModelWeights weights,
        float trainLoss,
        float candidateLoss,
        float servingLoss,
        int stepsApplied,
        String reason,
        long newestWindowAt,
        long rollbackOf) {}
