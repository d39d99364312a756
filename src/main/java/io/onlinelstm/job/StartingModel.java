package io.onlinelstm.job;

import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.operator.ForecastTarget;
import io.onlinelstm.training.ModelStore;
import io.onlinelstm.training.VersionedModel;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the model a job starts from when it has no checkpoint: the newest committed version of
 * its store (a restart continues from what the job learnt), else the file of {@code model.initial}
 * (a warm start), else fresh weights from the seed.
 *
 * <p>Version 0 stays what it was: fresh weights, never in a store. A warm start's model is version
 * {@link #INITIAL_VERSION}, the first a store can hold, and a live job commits it to its store
 * before it runs, so the store, the forecasters and the trainer agree on it; the trainer's first
 * publication is version 2. Once the store holds a version, the store wins over the file.
 */
final class StartingModel {

    private static final Logger LOG = LoggerFactory.getLogger(StartingModel.class);

    /** The version a warm start's model enters the store as. */
    static final long INITIAL_VERSION = 1;
    /** Checkpoint id in the commit marker of a model that entered the store before the job ran. */
    static final long NO_CHECKPOINT = -1;

    private StartingModel() {}

    /**
     * @param storeUri the store to continue from, or null for none (a replay without model.store)
     * @param enterIntoStore whether a warm start's model is committed to that store (a live job) or
     *     only served (a replay, which never writes to a store)
     */
    static VersionedModel choose(JobConfig config, String storeUri, boolean enterIntoStore) {
        LstmConfig model = config.model();
        String initial = config.get(JobOptions.MODEL_INITIAL).trim();
        ModelStore store = storeUri == null ? null : new ModelStore(storeUri);
        Optional<ModelStore.StoredVersion> newest = store == null ? Optional.empty() : store.newestCommitted();
        if (newest.isPresent()) {
            if (!initial.isEmpty()) {
                LOG.info("Ignoring model.initial {}: the store {} already holds committed version {}, and a job whose"
                        + " store has versions continues from them (a restart keeps what it learnt). To start over from"
                        + " the file, give the job an empty model.store.", initial, storeUri, newest.get().version());
            }
            return fromStore(newest.get(), model, storeUri);
        }
        if (!initial.isEmpty()) {
            ForecastTarget target = ForecastTarget.parse(config.get(JobOptions.FORECAST_TARGET));
            ModelWeights weights = InitialModelFile.read(initial, model, target);
            VersionedModel start = VersionedModel.of(INITIAL_VERSION, weights);
            if (store != null && enterIntoStore) {
                enter(store, start, model);
                LOG.info("Starting from model.initial {}, committed to the store {} as version {}", initial, storeUri,
                        INITIAL_VERSION);
            } else {
                LOG.info("Starting from model.initial {} as version {}", initial, INITIAL_VERSION);
            }
            return start;
        }
        LOG.info("Starting from fresh weights (seed {}){}", model.seed(),
                storeUri == null ? "" : ": the store " + storeUri + " holds no committed model");
        // A fresh network that forecasts changes starts as persistence (zero output), not as noise around it.
        boolean delta = ForecastTarget.parse(config.get(JobOptions.FORECAST_TARGET)) == ForecastTarget.DELTA;
        return VersionedModel.of(0, delta ? WeightInitializer.initializeWithZeroHead(model) : WeightInitializer.initialize(model));
    }

    private static VersionedModel fromStore(ModelStore.StoredVersion newest, LstmConfig config, String storeUri) {
        VersionedModel model = newest.load();
        // Fails here, at submission, when the store holds a model of another architecture.
        try {
            model.weights(config);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The newest model in the store " + storeUri + " (version "
                    + model.version() + ") does not fit the configured model: " + e.getMessage()
                    + ". Give the job its own model.store, or model options that match the stored model.", e);
        }
        Duration age = Duration.ofMillis(Math.max(0, System.currentTimeMillis() - newest.committedAt()));
        LOG.info("Starting from model version {} of the store {}, committed {} ago ({})", model.version(), storeUri,
                TimeUtils.formatWithHighestUnit(age.withNanos(0)),
                newest.legacy() ? "a file of an earlier release, counted as committed" : newest.uri());
        return model;
    }

    /** Writes and commits the warm start's model, so that a restart before the first checkpoint finds it. */
    private static void enter(ModelStore store, VersionedModel start, LstmConfig config) {
        ModelUpdate meta = new ModelUpdate();
        meta.version = start.version();
        meta.features = config.features();
        meta.hiddenSize = config.hiddenSize();
        meta.layers = config.layers();
        meta.horizon = config.horizon();
        // Not trained here: no losses to report.
        meta.trainLoss = Float.NaN;
        meta.candidateLoss = Float.NaN;
        meta.servingLoss = Float.NaN;
        meta.publishedAt = System.currentTimeMillis();
        store.write(start, meta);
        if (!store.commit(start.version(), start.checksum(), NO_CHECKPOINT)) {
            throw new IllegalStateException("The model store " + store.uri() + " got a committed version "
                    + start.version() + " while this job entered model.initial into it: is another job writing to it?"
                    + " Give every job its own model.store.");
        }
    }
}
