package io.onlinelstm.operator;

import io.onlinelstm.io.Alert;
import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.DjlRuntime;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.StepBatch;
import io.onlinelstm.state.SeriesState;
import io.onlinelstm.training.LiveErrorReport;
import io.onlinelstm.training.TrainingWindow;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The forecaster's shell, on a stream keyed by series: it owns the bundle and the series states
 * around it, and nothing else. A bundle is flushed when it holds {@code bundleSize} readings, when
 * its oldest reading has waited {@code maxWait} (processing time), before every checkpoint barrier
 * (so no reading is half-processed in a checkpoint), on every watermark and at end of input. Each
 * distinct series' state is read once before the bundle and written once after it, however often
 * the series repeats in it. The work in between is the {@link BundleFunction}'s; the serving model
 * is the {@link ModelHolder}'s, swapped only between bundles so no bundle mixes versions.
 */
public class BundlingForecastOperator extends AbstractStreamOperator<Forecast>
        implements OneInputStreamOperator<Reading, Forecast>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    // Side outputs: refused readings (out of order, duplicate ts), windows for the trainer, alerts,
    // and the live error per model version (for the trainer's optional rollback).
    public static final OutputTag<DeadLetter> DEAD_LETTERS = ForecasterOutputs.DEAD_LETTERS;
    public static final OutputTag<TrainingWindow> TRAINING_WINDOWS = ForecasterOutputs.TRAINING_WINDOWS;
    public static final OutputTag<Alert> ALERTS = ForecasterOutputs.ALERTS;
    public static final OutputTag<LiveErrorReport> LIVE_ERRORS = ForecasterOutputs.LIVE_ERRORS;
    /**
     * The model each forecaster serves when its input ends ({@link ModelHolder#encode} bytes: version,
     * then the weights), once per subtask: how a bounded replay hands over the network it ended with.
     */
    public static final OutputTag<byte[]> FINAL_MODEL =
            new OutputTag<>("final-model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final ForecasterSettings settings;
    private transient ForecasterState state;
    private transient ValueState<SeriesState> seriesState;
    private transient ModelHolder holder;
    private transient ReadingBundle bundle;
    private transient BundleFunction function;
    private transient Map<String, SeriesState> states;
    private transient Set<String> changed;
    private transient ForecasterMetrics metrics;
    private transient BundleFunction.Outputs outputs;
    private transient ScheduledFuture<?> flushTimer;

    public BundlingForecastOperator(ForecasterSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state = ForecasterState.initialize(context);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        state.snapshot(holder);
    }

    @Override
    public void open() throws Exception {
        super.open();
        seriesState = getPartitionedState(ForecasterState.seriesDescriptor(settings.stateTtl()));
        // Grad mode and thread count are per thread: set them on the task thread before any step.
        DjlRuntime.prepareThread();
        holder = state.openHolder(settings, getRuntimeContext());
        bundle = new ReadingBundle(settings.bundleSize());
        states = new HashMap<>(settings.bundleSize() * 2);
        changed = new HashSet<>(settings.bundleSize() * 2);
        function = ForecasterStages.bundleFunction(settings, this::advance);
        metrics = new ForecasterMetrics(getMetricGroup(), function, holder);
        outputs = new ForecasterOutputs(output, metrics);
    }

    @Override
    public void processElement(StreamRecord<Reading> element) throws Exception {
        metrics.recordsIn.inc();
        int size = bundle.add(element.getValue());
        if (size >= settings.bundleSize() || settings.maxWait().isZero()) {
            flush();
        } else if (size == 1) {
            long due = getProcessingTimeService().getCurrentProcessingTime() + settings.maxWait().toMillis();
            flushTimer = getProcessingTimeService().registerTimer(due, time -> flush());
        }
    }

    /** Takes a checked model update: the pending bundle finishes on the old version first. */
    public void applyModelUpdate(ModelUpdate update) throws Exception {
        if (holder.isNewer(update)) {
            flush();
            holder.apply(update);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        // Dropped unread unless something consumes the side output (a replay with --save-model).
        output.collect(FINAL_MODEL, new StreamRecord<>(ModelHolder.encode(holder.serving())));
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try (ModelHolder closing = holder) {
            holder = null;
        } finally {
            super.close();
        }
    }

    /** Steps the pending bundle: one state read per distinct series, the stages, one write per changed series. */
    void flush() throws Exception {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        if (bundle.size() == 0) {
            return;
        }
        metrics.bundleSizes.update(bundle.size());
        for (String key : bundle.keys()) {
            setCurrentKey(key);
            SeriesState s = seriesState.value();
            metrics.stateReads.inc();
            states.put(key, s != null ? s : function.newState());
        }
        function.run(bundle, states, holder, outputs, changed);
        for (String key : changed) {
            setCurrentKey(key);
            seriesState.update(states.get(key));
            metrics.stateWrites.inc();
        }
        states.clear();
        changed.clear();
        bundle.clear();
        metrics.recordRound(holder.trainIfDue());
    }

    /** The batched step; benchmarks override it to measure everything around the model. */
    protected void advance(LstmModel model, StepBatch batch) {
        model.step(batch);
    }

    /** The stored state of one series, or null (for tests: state entries are the operator's contract). */
    SeriesState stateOf(String key) throws Exception {
        setCurrentKey(key);
        return seriesState.value();
    }

    /** Reads and writes of series state so far (for tests). */
    long[] stateAccesses() {
        return new long[] {metrics.stateReads.getCount(), metrics.stateWrites.getCount()};
    }

    /** The serving model (for tests). */
    io.onlinelstm.training.VersionedModel servingModelForTests() {
        return holder.serving();
    }

    /** Version of the model this forecaster serves. */
    public long modelVersion() {
        return holder.version();
    }
}
