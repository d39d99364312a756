package io.onlinelstm.operator;

import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.state.SeriesState;
import io.onlinelstm.state.SeriesStateTypeInfo;
import io.onlinelstm.training.VersionedModel;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forecaster's checkpointed state besides the keyed series states: the serving model version
 * (broadcast state: every subtask serves the same version, and on restore each reads one copy) and
 * the inline learner (inline mode runs at parallelism 1).
 */
final class ForecasterState {

    private static final Logger LOG = LoggerFactory.getLogger(ForecasterState.class);

    static final MapStateDescriptor<String, byte[]> SERVING_MODEL = new MapStateDescriptor<>(
            "serving-model-broadcast", BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    private static final String SERVING = "serving";
    /** Where earlier releases kept the serving model (union list state); read on restore, then left empty. */
    static final ListStateDescriptor<byte[]> LEGACY_SERVING_MODEL =
            new ListStateDescriptor<>("serving-model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    static final ListStateDescriptor<byte[]> INLINE_LEARNER =
            new ListStateDescriptor<>("inline-learner", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final BroadcastState<String, byte[]> servingModel;
    private final ListState<byte[]> learner;
    private final VersionedModel restoredModel;
    private final byte[] restoredLearner;

    private ForecasterState(BroadcastState<String, byte[]> servingModel, ListState<byte[]> learner,
                            VersionedModel restoredModel, byte[] restoredLearner) {
        this.servingModel = servingModel;
        this.learner = learner;
        this.restoredModel = restoredModel;
        this.restoredLearner = restoredLearner;
    }

    static ForecasterState initialize(StateInitializationContext context) throws Exception {
        BroadcastState<String, byte[]> serving = context.getOperatorStateStore().getBroadcastState(SERVING_MODEL);
        ListState<byte[]> learner = context.getOperatorStateStore().getListState(INLINE_LEARNER);
        VersionedModel restored = null;
        byte[] restoredLearner = null;
        if (context.isRestored()) {
            byte[] entry = serving.get(SERVING);
            restored = entry == null ? null : ModelHolder.decode(entry);
            ListState<byte[]> legacy = context.getOperatorStateStore().getUnionListState(LEGACY_SERVING_MODEL);
            for (byte[] old : legacy.get()) {
                VersionedModel m = ModelHolder.decode(old);
                if (restored == null || m.version() > restored.version()) {
                    restored = m;
                }
            }
            legacy.clear();
            for (byte[] b : learner.get()) {
                restoredLearner = b;
            }
        }
        return new ForecasterState(serving, learner, restored, restoredLearner);
    }

    /** The series state, one composite value per key; TTL counts from the last write. */
    static ValueStateDescriptor<SeriesState> seriesDescriptor(Duration ttl) {
        ValueStateDescriptor<SeriesState> descriptor = new ValueStateDescriptor<>("series-state", SeriesStateTypeInfo.INSTANCE);
        if (!ttl.isZero()) {
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    // RocksDB drops expired series while it compacts; the heap backend as it iterates.
                    .cleanupInRocksdbCompactFilter(1_000)
                    .cleanupIncrementally(10, false)
                    .build());
        }
        return descriptor;
    }

    /** The model holder, from the checkpoint if there is one, else from the settings' initial model. */
    ModelHolder openHolder(ForecasterSettings settings, RuntimeContext runtime) {
        VersionedModel start = restoredModel != null ? restoredModel
                : settings.initialModel() != null ? settings.initialModel()
                : VersionedModel.of(0, WeightInitializer.initialize(settings.model()));
        String task = runtime.getTaskInfo().getTaskNameWithSubtasks();
        int parallelism = runtime.getTaskInfo().getNumberOfParallelSubtasks();
        if (settings.inlineTraining() && parallelism > 1) {
            throw new IllegalStateException("Inline training runs inside the forecaster and needs parallelism 1, got "
                    + parallelism + ". Use training.mode=async for parallel jobs.");
        }
        ComputeDevice device = DeviceChoice.resolve(settings.device(),
                runtime.getExternalResourceInfos(DeviceChoice.RESOURCE), task);
        ModelHolder holder = new ModelHolder(settings.model(), start, device,
                settings.inlineTraining() ? settings.training() : null, restoredLearner);
        LOG.info("Forecaster {} runs {} version {} on {}, bundles of {}", task, settings.model(), start.version(),
                holder.model().device(), settings.bundleSize());
        return holder;
    }

    void snapshot(ModelHolder holder) throws Exception {
        servingModel.put(SERVING, ModelHolder.encode(holder.serving()));
        if (holder.learner() != null) {
            learner.update(List.of(holder.learner().snapshot()));
        }
    }
}
