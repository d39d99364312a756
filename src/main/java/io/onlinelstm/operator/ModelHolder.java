package io.onlinelstm.operator;

import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.InvalidModelException;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.WeightsCodec;
import io.onlinelstm.training.OnlineLearner;
import io.onlinelstm.training.RoundOutcome;
import io.onlinelstm.training.TrainingSettings;
import io.onlinelstm.training.TrainingWindow;
import io.onlinelstm.training.VersionedModel;
import java.nio.ByteBuffer;
import org.apache.flink.metrics.SimpleCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model stage, free of Flink: the version this forecaster serves, its weights on the device,
 * and, in inline mode, the learner that trains between bundles. Updates arrive already checked
 * (checksum, architecture, signature) by the update check before the broadcast; the holder only
 * takes versions newer than the one it serves. The caller swaps between bundles, never inside one.
 */
public final class ModelHolder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);

    private final LstmConfig config;
    private VersionedModel serving;
    private LstmModel model;
    private OnlineLearner learner;
    private long stalenessFrom;
    private long lastStalenessMillis = -1;
    final SimpleCounter updatesIgnored = new SimpleCounter();
    final SimpleCounter updatesRefused = new SimpleCounter();

    /**
     * @param inlineTraining when not null, a learner trains this holder's model between bundles
     * @param learnerSnapshot the inline learner's checkpointed state, or null
     */
    public ModelHolder(LstmConfig config, VersionedModel start, ComputeDevice device, TrainingSettings inlineTraining,
                       byte[] learnerSnapshot) {
        this.config = config;
        this.serving = start;
        ModelWeights weights = start.weights(config);
        this.model = LstmModel.create(weights, device);
        if (inlineTraining != null) {
            try {
                learner = new OnlineLearner(weights, start.version(), device, inlineTraining);
                if (learnerSnapshot != null) {
                    learner.restore(learnerSnapshot);
                }
            } catch (RuntimeException e) {
                // The operator never gets this holder to close: free the native memory here.
                close();
                throw e;
            }
        }
    }

    public LstmModel model() {
        return model;
    }

    public long version() {
        return serving.version();
    }

    public VersionedModel serving() {
        return serving;
    }

    /** The inline learner, or null. */
    public OnlineLearner learner() {
        return learner;
    }

    /** Whether {@code update} would be taken: newer than the serving version. Counts the ignored ones. */
    public boolean isNewer(ModelUpdate update) {
        if (update.version <= serving.version()) {
            updatesIgnored.inc();
            return false;
        }
        return true;
    }

    /**
     * Swaps in a newer, checked version. Weights that still fail to decode (another architecture
     * than this forecaster's) are refused and the serving version stays.
     */
    public void apply(ModelUpdate update) {
        if (update.weights == null) {
            updatesRefused.inc();
            LOG.error("Refusing model version {}: the update carries no weights (the update check attaches them)."
                    + " Forecasting continues on version {}.", update.version, serving.version());
            return;
        }
        try {
            ModelWeights weights = WeightsCodec.decode(update.weights, config);
            swapTo(new VersionedModel(update.version, update.weights), weights, update.newestWindowAt);
        } catch (InvalidModelException e) {
            updatesRefused.inc();
            LOG.error("Refusing model version {}: {} Forecasting continues on version {}.",
                    update.version, e.getMessage(), serving.version());
        }
    }

    /** Offers a window to the inline learner. */
    public void offer(TrainingWindow window) {
        learner.offer(window);
    }

    /**
     * Inline mode, between bundles: trains a round when the learner is due and swaps in what it
     * publishes. No clock, so replays repeat exactly. Returns the round's outcome, or null.
     */
    public RoundOutcome trainIfDue() {
        if (learner == null || !learner.due(-1)) {
            return null;
        }
        RoundOutcome outcome = learner.trainRound(0);
        if (outcome.published()) {
            swapTo(VersionedModel.of(outcome.version(), outcome.weights()), outcome.weights(), outcome.newestWindowAt());
        }
        return outcome;
    }

    /** Marks that a step ran at {@code nowMillis}: the first after a swap fixes the staleness gauge. */
    public void stepped(long nowMillis) {
        if (stalenessFrom > 0) {
            lastStalenessMillis = Math.max(0, nowMillis - stalenessFrom);
            stalenessFrom = 0;
        }
    }

    /** From the newest window a version learnt from to its first forecast; -1 before any swap. */
    public long stalenessMillis() {
        return lastStalenessMillis;
    }

    private void swapTo(VersionedModel next, ModelWeights weights, long newestWindowAt) {
        model.loadWeights(weights);
        serving = next;
        stalenessFrom = newestWindowAt;
        LOG.info("Forecaster now serves model version {}", next.version());
    }

    /** The serving version as checkpointed bytes: version, then the encoded weights. */
    public static byte[] encode(VersionedModel m) {
        return ByteBuffer.allocate(8 + m.encoded().length).putLong(m.version()).put(m.encoded()).array();
    }

    public static VersionedModel decode(byte[] entry) {
        ByteBuffer b = ByteBuffer.wrap(entry);
        long version = b.getLong();
        byte[] encoded = new byte[b.remaining()];
        b.get(encoded);
        return new VersionedModel(version, encoded);
    }

    @Override
    public void close() {
        if (learner != null) {
            learner.close();
            learner = null;
        }
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
