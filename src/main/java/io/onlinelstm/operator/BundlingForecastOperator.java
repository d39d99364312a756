package io.onlinelstm.operator;

import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.DeadLetterReason;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.DjlRuntime;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.StepBatch;
import io.onlinelstm.state.SeriesState;
import io.onlinelstm.state.SeriesStateTypeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
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
 */
public class BundlingForecastOperator extends AbstractStreamOperator<Forecast>
        implements OneInputStreamOperator<Reading, Forecast>, BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BundlingForecastOperator.class);

    /** Readings refused by the forecaster (out of order or duplicate ts). */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("forecaster-dead-letters", TypeInformation.of(DeadLetter.class));

    private final ForecasterSettings settings;

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

    public BundlingForecastOperator(ForecasterSettings settings) {
        this.settings = settings;
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
        model = LstmModel.create(settings.model(), settings.device());
        modelVersion = 0;
        LOG.info("Forecaster {} runs {} on {}, bundles of {}", getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks(),
                settings.model(), model.device(), settings.bundleSize());

        int size = settings.bundleSize();
        batch = new StepBatch(settings.model(), size);
        stepper = new SeriesStepper(settings.model(), settings.windowCapacity());
        pending = new ArrayList<>(size);
        occurrences = new HashMap<>(size * 2);
        waveOf = new int[size];
        rowOf = new long[size];
        statesOf = new SeriesState[size];
        forecastsOf = new Forecast[size];
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
            forecastsOf[i] = stepper.prepare(reading, state, batch, rowOf, i);
        }
        if (batch.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        advance(model, batch);
        stepMicros.update((System.nanoTime() - start) / 1_000);
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            SeriesState state = statesOf[i];
            if (state == null) {
                continue;
            }
            Reading reading = pending.get(i);
            Forecast forecast = forecastsOf[i];
            stepper.complete(reading, state, batch, (int) rowOf[i], forecast);
            setCurrentKey(reading.key);
            seriesState.update(state);
            forecast.modelVersion = modelVersion;
            forecast.latencyMs = Math.max(0, now - reading.arrivalMillis);
            latencyMillis.update(forecast.latencyMs);
            if (forecast.error != null) {
                maeModel.add(Math.abs(forecast.error));
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

    /** The batched step; benchmarks override it to measure everything around the model. */
    protected void advance(LstmModel model, StepBatch batch) {
        model.step(batch);
    }

    private void refuse(Reading reading, SeriesState state) {
        DeadLetterReason reason = reading.ts == state.lastTs ? DeadLetterReason.DUPLICATE_TS : DeadLetterReason.OUT_OF_ORDER;
        String detail = "ts " + reading.ts + " is not after the series' last accepted ts " + state.lastTs
                + " (policy operator.out-of-order=dead-letter)";
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

    /** Version of the model this forecaster runs (for tests and metrics). */
    public long modelVersion() {
        return modelVersion;
    }
}
