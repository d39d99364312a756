package io.onlinelstm.training;

import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.DjlRuntime;
import io.onlinelstm.model.LstmConfig;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer (run at parallelism 1): collects the forecasters' windows in a replay buffer, runs a
 * training round every {@code trainEveryWindows} new windows or {@code trainEvery} of processing
 * time, and for every candidate that passes the validation gate writes the version to the model
 * store and emits a {@link ModelUpdate}. Weights, Adam moments, the buffer and the version counter
 * are checkpointed.
 *
 * <p>Its second input, the forecasters' live error per version, drives the optional rollback: when
 * the newest version does worse on live data than the one before it by more than the margin, the
 * earlier weights are published again as the next version.
 */
public final class TrainerOperator extends AbstractStreamOperator<ModelUpdate>
        implements TwoInputStreamOperator<TrainingWindow, LiveErrorReport, ModelUpdate> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainerOperator.class);
    /** Weights up to this size travel inside the update message; larger ones only through the store. */
    static final int INLINE_WEIGHTS_LIMIT = 512 * 1024;

    private final LstmConfig config;
    private final ComputeDevice device;
    private final TrainingSettings settings;
    private final VersionedModel initialModel;
    private final String storeUri;

    private transient ListState<byte[]> learnerState;
    private transient byte[] restored;
    private transient OnlineLearner learner;
    private transient ModelStore store;
    private transient TrainingMetrics metrics;
    private transient Counter windowsIn;
    private transient LiveErrors liveErrors;

    public TrainerOperator(LstmConfig config, ComputeDevice device, TrainingSettings settings,
                           VersionedModel initialModel, String storeUri) {
        this.config = config;
        this.device = device;
        this.settings = settings;
        this.initialModel = initialModel;
        this.storeUri = storeUri;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        learnerState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("learner", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        if (context.isRestored()) {
            for (byte[] b : learnerState.get()) {
                restored = b;
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        DjlRuntime.prepareThread();
        learner = new OnlineLearner(initialModel.weights(config), initialModel.version(), device, settings);
        if (restored != null) {
            learner.restore(restored);
            LOG.info("Trainer restored at version {} with {} windows", learner.version(), learner.bufferSize());
        }
        store = new ModelStore(storeUri);
        metrics = new TrainingMetrics(getMetricGroup(), learner);
        windowsIn = getMetricGroup().counter("windowsIn");
        liveErrors = new LiveErrors();
        scheduleCheck();
    }

    private void scheduleCheck() {
        long period = Math.max(1_000, settings.trainEvery().toMillis() / 4);
        long due = getProcessingTimeService().getCurrentProcessingTime() + period;
        getProcessingTimeService().registerTimer(due, time -> {
            maybeTrain(System.currentTimeMillis());
            scheduleCheck();
        });
    }

    @Override
    public void processElement1(StreamRecord<TrainingWindow> element) throws Exception {
        windowsIn.inc();
        learner.offer(element.getValue());
        maybeTrain(System.currentTimeMillis());
    }

    @Override
    public void processElement2(StreamRecord<LiveErrorReport> element) throws Exception {
        if (!settings.rollbackEnabled()) {
            return;
        }
        liveErrors.add(element.getValue());
        long current = learner.version();
        long previous = learner.previousVersion();
        if (previous >= 0 && liveErrors.worse(current, previous, settings.rollbackMargin(), settings.rollbackMinSamples())) {
            String reason = String.format("live MAE of version %d is %.5f against %.5f of version %d (margin %.0f%%)",
                    current, liveErrors.mae(current), liveErrors.mae(previous), previous, settings.rollbackMargin() * 100);
            RoundOutcome outcome = learner.rollBack(reason);
            publish(outcome, System.currentTimeMillis());
            liveErrors.forgetBefore(previous);
        }
    }

    private void maybeTrain(long now) {
        if (!learner.due(now)) {
            return;
        }
        RoundOutcome outcome = learner.trainRound(now);
        metrics.record(outcome);
        if (outcome.published()) {
            publish(outcome, now);
        }
    }

    private void publish(RoundOutcome outcome, long now) {
        VersionedModel model = VersionedModel.of(outcome.version(), outcome.weights());
        ModelUpdate update = new ModelUpdate();
        update.version = model.version();
        update.checksum = model.checksum();
        update.features = config.features();
        update.hiddenSize = config.hiddenSize();
        update.layers = config.layers();
        update.horizon = config.horizon();
        update.trainLoss = outcome.trainLoss();
        update.candidateLoss = outcome.candidateLoss();
        update.servingLoss = outcome.servingLoss();
        update.publishedAt = now;
        update.newestWindowAt = outcome.newestWindowAt();
        update.rollbackOf = outcome.rollbackOf();
        update.uri = store.write(model, update);
        update.weights = model.encoded().length <= INLINE_WEIGHTS_LIMIT ? model.encoded() : null;
        output.collect(new StreamRecord<>(update, now));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        learnerState.update(List.of(learner.snapshot()));
    }

    /** The learner's current version (for tests). */
    public long version() {
        return learner.version();
    }

    OnlineLearner learner() {
        return learner;
    }

    @Override
    public void close() throws Exception {
        try {
            if (learner != null) {
                learner.close();
                learner = null;
            }
        } finally {
            super.close();
        }
    }

}
