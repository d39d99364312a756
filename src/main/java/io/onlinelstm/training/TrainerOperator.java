package io.onlinelstm.training;

import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.DjlRuntime;
import io.onlinelstm.model.LstmConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
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
 * training round when the learner's schedule, counted in windows received, says so (and, when
 * {@code trainEvery} is set, after that much processing time), and for every candidate that passes
 * the validation gate writes the version to the model store (uncommitted) and emits a
 * {@link ModelUpdate}, signed when a key is configured. Weights,
 * Adam moments, the buffer and the version counter are checkpointed.
 *
 * <p>The update reaches the topic in the Kafka transaction that the next completed checkpoint
 * commits; until then a failover can take it back and the restarted trainer may publish other
 * weights under the same number. So a version is committed in the store only when the checkpoint
 * that carries its announcement completes ({@link #notifyCheckpointComplete}), and, since that
 * notification can be lost in a failover, again when the trainer restores from that checkpoint.
 * After each commit the store is cleaned up to the retention.
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
    private final PublishSettings publishing;

    private transient ListState<byte[]> learnerState;
    /** Versions announced but not yet known to be committed, as "version checksum". */
    private transient ListState<String> announcedState;
    private transient List<Announced> sinceSnapshot;
    /** Announcements by the checkpoint whose completion commits them. */
    private transient TreeMap<Long, List<Announced>> pending;
    private transient byte[] restored;
    private transient OnlineLearner learner;
    private transient ModelStore store;
    private transient TrainingMetrics metrics;
    private transient Counter windowsIn;
    private transient LiveErrors liveErrors;

    /** Unsigned updates, default retention. */
    public TrainerOperator(LstmConfig config, ComputeDevice device, TrainingSettings settings,
                           VersionedModel initialModel, String storeUri) {
        this(config, device, settings, initialModel, PublishSettings.of(storeUri));
    }

    public TrainerOperator(LstmConfig config, ComputeDevice device, TrainingSettings settings,
                           VersionedModel initialModel, PublishSettings publishing) {
        this.config = config;
        this.device = device;
        this.settings = settings;
        this.initialModel = initialModel;
        this.publishing = publishing;
    }

    /** A version announced on the topic, and its weights' checksum. */
    record Announced(long version, String checksum) {
        String encode() {
            return version + " " + checksum;
        }

        static Announced decode(String s) {
            int space = s.indexOf(' ');
            return new Announced(Long.parseLong(s.substring(0, space)), s.substring(space + 1));
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        learnerState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("learner", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        announcedState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("announced-versions", Types.STRING));
        store = new ModelStore(publishing.storeUri());
        sinceSnapshot = new ArrayList<>();
        pending = new TreeMap<>();
        if (context.isRestored()) {
            for (byte[] b : learnerState.get()) {
                restored = b;
            }
            // Restoring from a checkpoint means it completed, and with it the transaction that carried these
            // announcements: whether or not its notification arrived, they are published.
            List<Announced> announced = new ArrayList<>();
            for (String a : announcedState.get()) {
                announced.add(Announced.decode(a));
            }
            long checkpointId = context.getRestoredCheckpointId().orElse(-1L);
            if (!announced.isEmpty()) {
                pending.put(Long.MIN_VALUE, announced);
                commitUpTo(Long.MIN_VALUE, checkpointId);
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
            commitRestoredVersion();
        }
        metrics = new TrainingMetrics(getMetricGroup(), learner);
        windowsIn = getMetricGroup().counter("windowsIn");
        liveErrors = new LiveErrors();
        scheduleCheck();
    }

    private void scheduleCheck() {
        // Also with the clock off: a round that came due while the trainer rested starts here, not only
        // when the next window arrives.
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
        if (publishing.signer() != null) {
            publishing.signer().sign(update, publishing.jobName());
        }
        sinceSnapshot.add(new Announced(update.version, update.checksum));
        output.collect(new StreamRecord<>(update, now));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        learnerState.update(List.of(learner.snapshot()));
        if (!sinceSnapshot.isEmpty()) {
            pending.computeIfAbsent(context.getCheckpointId(), id -> new ArrayList<>()).addAll(sinceSnapshot);
            sinceSnapshot = new ArrayList<>();
        }
        List<String> announced = new ArrayList<>();
        pending.values().forEach(list -> list.forEach(a -> announced.add(a.encode())));
        announcedState.update(announced);
    }

    /**
     * Commits in the store the versions announced before this checkpoint (and before any earlier one
     * whose notification did not arrive: Flink does not notify subsumed checkpoints), then applies
     * the retention.
     */
    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        commitUpTo(checkpointId, checkpointId);
    }

    private void commitUpTo(long pendingKey, long checkpointId) {
        Map<Long, List<Announced>> due = pending.headMap(pendingKey, true);
        if (due.isEmpty()) {
            return;
        }
        List<Announced> versions = new ArrayList<>();
        due.values().forEach(versions::addAll);
        versions.sort(Comparator.comparingLong(Announced::version));
        try {
            for (Announced a : versions) {
                if (store.commit(a.version(), a.checksum(), checkpointId)) {
                    LOG.info("Model version {} committed in {} (checkpoint {})", a.version(), store.uri(), checkpointId);
                }
            }
        } catch (RuntimeException e) {
            // Kept pending: the next completed checkpoint, or a restore, commits them. Not failing the job here
            // keeps a short store outage from restarting the forecasters.
            LOG.warn("Cannot commit model versions {} in {} yet; retrying at the next completed checkpoint: {}",
                    versions.stream().map(Announced::version).toList(), store.uri(), e.getMessage());
            return;
        }
        due.clear();
        try {
            store.retain(publishing.retainVersions());
        } catch (RuntimeException e) {
            LOG.warn("Cannot clean up the model store {}: {}; trying again after the next commit", store.uri(), e.getMessage());
        }
    }

    /**
     * A checkpoint of an earlier release has no list of announced versions; the learner's own
     * version was announced before that checkpoint all the same, so it is committed (written
     * first, should the store not hold it).
     */
    private void commitRestoredVersion() {
        if (learner.published() == 0) {
            return;
        }
        VersionedModel serving = VersionedModel.of(learner.version(), learner.servingWeights());
        if (store.committed(serving.version()).isPresent()) {
            return;
        }
        ModelUpdate meta = new ModelUpdate();
        meta.features = config.features();
        meta.hiddenSize = config.hiddenSize();
        meta.layers = config.layers();
        meta.horizon = config.horizon();
        meta.publishedAt = System.currentTimeMillis();
        store.write(serving, meta);
        store.commit(serving.version(), serving.checksum(), -1);
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
