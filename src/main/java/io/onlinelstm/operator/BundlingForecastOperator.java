package io.onlinelstm.operator;

import io.onlinelstm.anomaly.ResidualScorer;
import io.onlinelstm.io.Alert;
import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.DeadLetterReason;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.DjlRuntime;
import io.onlinelstm.model.InvalidModelException;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.StepBatch;
import io.onlinelstm.model.WeightsCodec;
import io.onlinelstm.training.LiveErrorReport;
import io.onlinelstm.training.ModelStore;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.training.OnlineLearner;
import io.onlinelstm.training.RoundOutcome;
import io.onlinelstm.training.TrainingMetrics;
import io.onlinelstm.training.TrainingWindow;
import io.onlinelstm.training.VersionedModel;
import java.nio.ByteBuffer;
import io.onlinelstm.state.SeriesState;
import io.onlinelstm.state.SeriesStateTypeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forecaster: on a stream keyed by series key, buffers readings into a bundle and advances
 * all of their series through one batched LSTM step.
 *
 * <p>A bundle is flushed when it holds {@code bundleSize} readings, when its oldest reading has
 * waited {@code maxWait} (processing time), before every checkpoint barrier (so no reading is ever
 * half-processed in a checkpoint), on every watermark (so no forecast is late) and at end of
 * input. A series that appears several times in one bundle is stepped in order, one wave per
 * occurrence. Readings not after their series' last one follow the {@link OutOfOrderPolicy}.
 *
 * <p>With training on, every {@code stride} readings a series with enough history offers a
 * completed {@link TrainingWindow}: to the {@link #TRAINING_WINDOWS} side output for the trainer,
 * or, in inline mode, to an {@link OnlineLearner} inside this operator that trains synchronously
 * between bundles. A new model version (from {@link #applyModelUpdate} or the inline learner) is
 * swapped in only between bundles, so no bundle mixes versions; the version and its weights are
 * part of the operator's checkpointed state.
 */
public class BundlingForecastOperator extends AbstractStreamOperator<Forecast>
        implements OneInputStreamOperator<Reading, Forecast>, BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BundlingForecastOperator.class);

    /** Readings refused by the forecaster (out of order or duplicate ts). */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("forecaster-dead-letters", TypeInformation.of(DeadLetter.class));

    /** Completed windows for the trainer. */
    public static final OutputTag<TrainingWindow> TRAINING_WINDOWS =
            new OutputTag<>("training-windows", TypeInformation.of(TrainingWindow.class));

    /** Anomaly alerts. */
    public static final OutputTag<Alert> ALERTS = new OutputTag<>("alerts", TypeInformation.of(Alert.class));

    /** Live error per model version, for the trainer's optional rollback. */
    public static final OutputTag<LiveErrorReport> LIVE_ERRORS =
            new OutputTag<>("live-errors", TypeInformation.of(LiveErrorReport.class));
    /** Scored forecasts between two live-error reports of one forecaster. */
    static final int LIVE_ERROR_REPORT_EVERY = 1_000;

    private final ForecasterSettings settings;
    private transient Map<Long, double[]> liveErrors;
    private transient long scoredSinceReport;
    private transient long[] scoredVersionOf;

    private transient ListState<byte[]> servingModelState;
    private transient ListState<byte[]> learnerState;
    private transient VersionedModel restoredModel;
    private transient byte[] restoredLearner;
    private transient VersionedModel servingModel;
    private transient OnlineLearner learner;
    private transient long stalenessFrom;
    private transient long lastStalenessMillis = -1;

    private transient ValueState<SeriesState> seriesState;
    private transient LstmModel model;
    private transient long modelVersion;
    private transient StepBatch batch;
    private transient SeriesStepper stepper;
    private transient List<Reading> pending;
    private transient ScheduledFuture<?> flushTimer;

    // per-flush scratch, reused
    private transient Map<String, Integer> occurrences;
    private transient int[] waveOf;
    private transient long[] rowOf;
    private transient SeriesState[] statesOf;
    private transient Forecast[] forecastsOf;

    private transient Counter recordsIn;
    private transient Counter forecastsOut;
    private transient MetricGroup deadLetterGroup;
    private transient Map<DeadLetterReason, Counter> deadLetters;
    private transient Histogram bundleSizes;
    private transient Histogram stepMicros;
    private transient Histogram latencyMillis;
    private transient RollingMean maeModel;
    private transient RollingMean maePersistence;
    private transient Counter windowsOffered;
    private transient ResidualScorer anomalyScorer;
    private transient Counter alertsRaised;
    private transient Counter anomalousReadings;
    private transient Histogram anomalyScores;
    private transient Counter updatesRefused;
    private transient Counter updatesIgnored;
    private transient TrainingMetrics trainingMetrics;

    public BundlingForecastOperator(ForecasterSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        // Union state: after a rescale every subtask sees every entry and takes the newest version.
        servingModelState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("serving-model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        learnerState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("inline-learner", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        if (context.isRestored()) {
            for (byte[] entry : servingModelState.get()) {
                VersionedModel m = decodeVersioned(entry);
                if (restoredModel == null || m.version() > restoredModel.version()) {
                    restoredModel = m;
                }
            }
            for (byte[] entry : learnerState.get()) {
                restoredLearner = entry;
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        servingModelState.update(List.of(encodeVersioned(servingModel)));
        if (learner != null) {
            learnerState.update(List.of(learner.snapshot()));
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        ValueStateDescriptor<SeriesState> descriptor =
                new ValueStateDescriptor<>("series-state", SeriesStateTypeInfo.INSTANCE);
        if (!settings.stateTtl().isZero()) {
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(settings.stateTtl())
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        seriesState = getPartitionedState(descriptor);

        // Grad mode and thread count are per thread: set them on the task thread before any step.
        DjlRuntime.prepareThread();
        servingModel = restoredModel != null ? restoredModel
                : settings.initialModel() != null ? settings.initialModel()
                : VersionedModel.of(0, io.onlinelstm.model.WeightInitializer.initialize(settings.model()));
        String task = getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
        ComputeDevice device = DeviceChoice.resolve(settings.device(),
                getRuntimeContext().getExternalResourceInfos(DeviceChoice.RESOURCE), task);
        model = LstmModel.create(servingModel.weights(settings.model()), device);
        modelVersion = servingModel.version();
        if (settings.inlineTraining()) {
            if (getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks() > 1) {
                throw new IllegalStateException("Inline training runs inside the forecaster and needs parallelism 1,"
                        + " got " + getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks()
                        + ". Use training.mode=async for parallel jobs.");
            }
            learner = new OnlineLearner(servingModel.weights(settings.model()), modelVersion, settings.device(),
                    settings.training());
            if (restoredLearner != null) {
                learner.restore(restoredLearner);
            }
        }
        LOG.info("Forecaster {} runs {} on {}, bundles of {}", getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks(),
                settings.model(), model.device(), settings.bundleSize());

        int size = settings.bundleSize();
        batch = new StepBatch(settings.model(), size);
        stepper = new SeriesStepper(settings.model(), settings.windowCapacity(), settings.target());
        pending = new ArrayList<>(size);
        occurrences = new HashMap<>(size * 2);
        waveOf = new int[size];
        rowOf = new long[size];
        statesOf = new SeriesState[size];
        forecastsOf = new Forecast[size];
        scoredVersionOf = new long[size];
        anomalyScorer = settings.anomaly() == null ? null : new ResidualScorer(settings.anomaly());
        liveErrors = new HashMap<>();
        registerMetrics();
    }

    private void registerMetrics() {
        MetricGroup group = getMetricGroup();
        recordsIn = group.counter("recordsIn");
        forecastsOut = group.counter("forecastsOut");
        deadLetterGroup = group.addGroup("deadLetters");
        deadLetters = new HashMap<>();
        bundleSizes = group.histogram("bundleSize", new DescriptiveStatisticsHistogram(1_000));
        stepMicros = group.histogram("stepTimeMicros", new DescriptiveStatisticsHistogram(1_000));
        latencyMillis = group.histogram("arrivalToForecastMillis", new DescriptiveStatisticsHistogram(10_000));
        maeModel = new RollingMean(1_000);
        maePersistence = new RollingMean(1_000);
        group.gauge("rollingMaeModel", () -> maeModel.get());
        group.gauge("rollingMaePersistence", () -> maePersistence.get());
        group.gauge("modelVersion", () -> modelVersion);
        group.gauge("modelStalenessMillis", () -> lastStalenessMillis);
        windowsOffered = group.counter("trainingWindowsOffered");
        alertsRaised = group.counter("alertsRaised");
        anomalousReadings = group.counter("anomalousReadings");
        anomalyScores = group.histogram("anomalyScorePermille", new DescriptiveStatisticsHistogram(10_000));
        updatesRefused = group.counter("modelUpdatesRefused");
        updatesIgnored = group.counter("modelUpdatesIgnored");
        if (learner != null) {
            trainingMetrics = new TrainingMetrics(group.addGroup("training"), learner);
        }
    }

    @Override
    public void processElement(StreamRecord<Reading> element) throws Exception {
        recordsIn.inc();
        pending.add(element.getValue());
        if (pending.size() >= settings.bundleSize()) {
            flush();
        } else if (pending.size() == 1) {
            if (settings.maxWait().isZero()) {
                flush();
            } else {
                long due = getProcessingTimeService().getCurrentProcessingTime() + settings.maxWait().toMillis();
                flushTimer = getProcessingTimeService().registerTimer(due, time -> flush());
            }
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
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (learner != null) {
                learner.close();
                learner = null;
            }
            if (model != null) {
                model.close();
                model = null;
            }
        } finally {
            super.close();
        }
    }

    /** Steps every pending reading, wave after wave, and emits their forecasts. */
    void flush() throws Exception {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        int n = pending.size();
        if (n == 0) {
            return;
        }
        bundleSizes.update(n);
        occurrences.clear();
        int waves = 0;
        for (int i = 0; i < n; i++) {
            int wave = occurrences.merge(pending.get(i).key, 1, Integer::sum) - 1;
            waveOf[i] = wave;
            waves = Math.max(waves, wave + 1);
        }
        for (int wave = 0; wave < waves; wave++) {
            stepWave(n, wave);
        }
        pending.clear();
        if (learner != null && learner.due(-1)) {
            // Between bundles, so the next bundle runs wholly on the new version. No clock: replays repeat exactly.
            RoundOutcome outcome = learner.trainRound(0);
            trainingMetrics.record(outcome);
            if (outcome.published()) {
                swapTo(VersionedModel.of(outcome.version(), outcome.weights()), outcome.weights(), outcome.newestWindowAt());
            }
        }
    }

    /**
     * Takes a model version announced by the trainer. Older or equal versions are ignored; a model
     * with a bad checksum or another architecture is refused with an error log and the current one
     * stays. The pending bundle finishes on the old version first.
     */
    public void applyModelUpdate(ModelUpdate update) throws Exception {
        if (update.version <= modelVersion) {
            updatesIgnored.inc();
            return;
        }
        ModelWeights weights;
        byte[] encoded;
        try {
            encoded = update.weights != null ? update.weights : ModelStore.read(update.uri, update.checksum);
            if (update.checksum != null && !update.checksum.equals(WeightsCodec.checksum(encoded))) {
                throw new io.onlinelstm.model.CorruptModelException("weights do not match the announced checksum "
                        + update.checksum);
            }
            weights = WeightsCodec.decode(encoded, settings.model());
        } catch (InvalidModelException | java.io.UncheckedIOException e) {
            updatesRefused.inc();
            LOG.error("Refusing model version {}: {} Forecasting continues on version {}.",
                    update.version, e.getMessage(), modelVersion);
            return;
        }
        flush();
        swapTo(new VersionedModel(update.version, encoded), weights, update.newestWindowAt);
    }

    private void swapTo(VersionedModel next, ModelWeights weights, long newestWindowAt) {
        model.loadWeights(weights);
        servingModel = next;
        modelVersion = next.version();
        stalenessFrom = newestWindowAt;
        LOG.info("Forecaster now serves model version {}", modelVersion);
    }

    private void stepWave(int n, int wave) throws Exception {
        batch.clear();
        for (int i = 0; i < n; i++) {
            statesOf[i] = null;
            if (waveOf[i] != wave) {
                continue;
            }
            Reading reading = pending.get(i);
            setCurrentKey(reading.key);
            SeriesState state = seriesState.value();
            if (state == null) {
                state = stepper.newState();
            } else if (state.hasLast() && reading.ts <= state.lastTs && settings.outOfOrder() == OutOfOrderPolicy.DEAD_LETTER) {
                refuse(reading, state);
                continue;
            }
            statesOf[i] = state;
            scoredVersionOf[i] = state.lastForecastVersion;
            forecastsOf[i] = stepper.prepare(reading, state, batch, rowOf, i);
            scoreAnomaly(state, forecastsOf[i]);
            if (settings.training() != null) {
                offerWindow(reading, state);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        advance(model, batch);
        stepMicros.update((System.nanoTime() - start) / 1_000);
        long now = System.currentTimeMillis();
        if (stalenessFrom > 0) {
            lastStalenessMillis = Math.max(0, now - stalenessFrom);
            stalenessFrom = 0;
        }
        for (int i = 0; i < n; i++) {
            SeriesState state = statesOf[i];
            if (state == null) {
                continue;
            }
            Reading reading = pending.get(i);
            Forecast forecast = forecastsOf[i];
            stepper.complete(reading, state, batch, (int) rowOf[i], forecast);
            state.lastForecastVersion = modelVersion;
            maybeAlert(reading, state, forecast, scoredVersionOf[i]);
            setCurrentKey(reading.key);
            seriesState.update(state);
            forecast.modelVersion = modelVersion;
            forecast.latencyMs = Math.max(0, now - reading.arrivalMillis);
            latencyMillis.update(forecast.latencyMs);
            if (forecast.error != null) {
                maeModel.add(Math.abs(forecast.error));
                trackLiveError(scoredVersionOf[i], Math.abs(forecast.error));
            }
            if (forecast.persistenceError != null) {
                maePersistence.add(Math.abs(forecast.persistenceError));
            }
            output.collect(new StreamRecord<>(forecast, reading.ts));
            forecastsOut.inc();
            statesOf[i] = null;
            forecastsOf[i] = null;
        }
    }

    /**
     * Scores the reading from its forecast's error before the reading can enter a training window:
     * an anomalous reading keeps windows from being offered until it has left the ring, so the
     * model never learns the anomaly as normal.
     */
    private void scoreAnomaly(SeriesState state, Forecast forecast) {
        if (anomalyScorer == null || forecast.error == null) {
            return;
        }
        double score = anomalyScorer.score(state, Math.abs(forecast.error) / state.changeScale());
        forecast.anomalyScore = score;
        anomalyScores.update(Math.round(score * 1000));
        if (score >= settings.anomaly().threshold()) {
            anomalousReadings.inc();
            state.anomalyHold = settings.windowCapacity();
        }
    }

    /** One alert per anomalous reading, unless the series alerted within the quiet period. */
    private void maybeAlert(Reading reading, SeriesState state, Forecast forecast, long forecastVersion) {
        if (anomalyScorer == null || forecast.anomalyScore < settings.anomaly().threshold()) {
            return;
        }
        long quiet = settings.anomaly().quietPeriod().toMillis();
        if (state.lastAlertTs != Long.MIN_VALUE && reading.ts - state.lastAlertTs < quiet) {
            return;
        }
        state.lastAlertTs = reading.ts;
        Alert alert = new Alert();
        alert.key = reading.key;
        alert.ts = reading.ts;
        alert.value = reading.value;
        alert.forecast = reading.value - forecast.error;
        alert.score = forecast.anomalyScore;
        alert.threshold = settings.anomaly().threshold();
        alert.modelVersion = forecastVersion;
        alertsRaised.inc();
        output.collect(ALERTS, new StreamRecord<>(alert, reading.ts));
    }

    /** The trainer judges versions by their live error: only useful when it is a separate operator. */
    private void trackLiveError(long version, double absError) {
        if (settings.training() == null || settings.inlineTraining() || !settings.training().rollbackEnabled()) {
            return;
        }
        double[] acc = liveErrors.computeIfAbsent(version, v -> new double[2]);
        acc[0] += absError;
        acc[1]++;
        if (++scoredSinceReport >= LIVE_ERROR_REPORT_EVERY) {
            for (Map.Entry<Long, double[]> e : liveErrors.entrySet()) {
                output.collect(LIVE_ERRORS, new StreamRecord<>(
                        new LiveErrorReport(e.getKey(), e.getValue()[0], (long) e.getValue()[1])));
            }
            liveErrors.clear();
            scoredSinceReport = 0;
        }
    }

    private void offerWindow(Reading reading, SeriesState state) {
        if (state.anomalyHold > 0) {
            state.anomalyHold--;
            return;
        }
        if (!settings.training().offersWindow(reading.key, state.count)) {
            return;
        }
        int w = settings.window();
        int horizon = settings.model().horizon();
        float[] inputs = new float[w * settings.model().features()];
        float[] targets = new float[w * horizon];
        if (!state.extractWindow(w, horizon, settings.target() == ForecastTarget.DELTA, inputs, targets)) {
            return;
        }
        TrainingWindow window = new TrainingWindow(reading.key, inputs, targets, reading.ts, System.currentTimeMillis());
        windowsOffered.inc();
        if (learner != null) {
            learner.offer(window);
        } else {
            output.collect(TRAINING_WINDOWS, new StreamRecord<>(window, reading.ts));
        }
    }

    private static byte[] encodeVersioned(VersionedModel m) {
        return ByteBuffer.allocate(8 + m.encoded().length).putLong(m.version()).put(m.encoded()).array();
    }

    private static VersionedModel decodeVersioned(byte[] entry) {
        ByteBuffer b = ByteBuffer.wrap(entry);
        long version = b.getLong();
        byte[] encoded = new byte[b.remaining()];
        b.get(encoded);
        return new VersionedModel(version, encoded);
    }

    /** The batched step; benchmarks override it to measure everything around the model. */
    protected void advance(LstmModel model, StepBatch batch) {
        model.step(batch);
    }

    private void refuse(Reading reading, SeriesState state) {
        DeadLetterReason reason = reading.ts == state.lastTs ? DeadLetterReason.DUPLICATE_TS : DeadLetterReason.OUT_OF_ORDER;
        String detail = "ts " + reading.ts + " is not after the series' last accepted ts " + state.lastTs
                + " (policy forecaster.out-of-order=dead-letter; accept takes such readings)";
        DeadLetter letter = new DeadLetter(JsonCodec.readingPayload(reading), reason, detail,
                reading.topic, reading.partition, reading.offset);
        deadLetters.computeIfAbsent(reason, r -> deadLetterGroup.counter(r.id())).inc();
        output.collect(DEAD_LETTERS, new StreamRecord<>(letter, reading.ts));
    }

    /** The stored state of one series, or null (for tests: state entries are the operator's contract). */
    SeriesState stateOf(String key) throws Exception {
        setCurrentKey(key);
        return seriesState.value();
    }

    /** The serving model and its version (for tests). */
    VersionedModel servingModelForTests() {
        return servingModel;
    }

    /** Version of the model this forecaster runs (for tests and metrics). */
    public long modelVersion() {
        return modelVersion;
    }
}
