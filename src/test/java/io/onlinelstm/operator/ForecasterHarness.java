package io.onlinelstm.operator;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Builds operator test harnesses around {@link BundlingForecastOperator} with a small model. */
final class ForecasterHarness {

    static final LstmConfig SMALL_MODEL = LstmConfig.builder().hiddenSize(8).layers(2).seed(3).build();

    private ForecasterHarness() {}

    static ForecasterSettings settings(int bundleSize, Duration maxWait) {
        return new ForecasterSettings(SMALL_MODEL, ComputeDevice.CPU, bundleSize, maxWait, 4,
                OutOfOrderPolicy.DEAD_LETTER, Duration.ZERO);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> open(ForecasterSettings settings)
            throws Exception {
        return open(settings, null);
    }

    /**
     * The keyed state backends the forecaster runs on. FORST is Flink 2's disaggregated backend: our
     * operator uses the synchronous state API, so it gets ForSt's synchronous keyed backend, with its
     * files on local disk (state.backend.forst.sync.enforce-local, true by default), and takes
     * incremental checkpoints as ForecastJob configures it.
     */
    enum Backend { HEAP, ROCKSDB, FORST }

    /** The backend {@link #open} uses; parameterised tests set it first and the test class resets it. */
    private static Backend backend = Backend.HEAP;

    static void use(Backend b) {
        backend = b;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> open(
            ForecasterSettings settings, OperatorSubtaskState restoreFrom) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new BundlingForecastOperator(settings), r -> r.key, Types.STRING);
        if (backend == Backend.ROCKSDB) {
            h.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
        } else if (backend == Backend.FORST) {
            org.apache.flink.configuration.Configuration incremental = new org.apache.flink.configuration.Configuration();
            incremental.set(org.apache.flink.configuration.CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            h.setStateBackend(new org.apache.flink.state.forst.ForStStateBackend()
                    .configure(incremental, ForecasterHarness.class.getClassLoader()));
        }
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    static Reading reading(String key, long ts, double value) {
        return new Reading(key, ts, value, null, 0L);
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> h, List<Reading> readings)
            throws Exception {
        for (Reading r : readings) {
            h.processElement(new StreamRecord<>(r, r.ts));
        }
    }

    static List<Forecast> forecasts(KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> h) {
        return new ArrayList<>(h.extractOutputValues());
    }

    /** Takes the snapshot a barrier would (after the operator flushed its bundle). */
    interface Snapshotter {
        OperatorSubtaskState take(KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> h) throws Exception;
    }

    /**
     * The first {@code half} readings, a flush and a snapshot, then a fresh operator restored from it
     * with the rest: the forecasts of both parts together.
     */
    static List<Forecast> resumedAcrossASnapshot(ForecasterSettings settings, List<Reading> input, int half,
                                                 Snapshotter snapshotter) throws Exception {
        List<Forecast> resumed = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = open(settings)) {
            feed(h, input.subList(0, half));
            // What the checkpoint barrier does: flush, then snapshot.
            h.prepareSnapshotPreBarrier(1L);
            snapshot = snapshotter.take(h);
            resumed.addAll(forecasts(h));
        }
        try (var h = open(settings, snapshot)) {
            feed(h, input.subList(half, input.size()));
            h.endInput();
            resumed.addAll(forecasts(h));
        }
        return resumed;
    }

    /** A sine per key with its own phase and level, ts in steps of one minute. */
    static List<Reading> sines(int keys, int perKey, long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<Reading> out = new ArrayList<>();
        double[] phase = new double[keys];
        double[] level = new double[keys];
        for (int k = 0; k < keys; k++) {
            phase[k] = random.nextDouble() * 24;
            level[k] = random.nextDouble() * 100;
        }
        for (int t = 0; t < perKey; t++) {
            for (int k = 0; k < keys; k++) {
                double v = level[k] + 10 * Math.sin(2 * Math.PI * (t + phase[k]) / 24) + random.nextGaussian();
                out.add(reading("series-" + k, 1_700_000_000_000L + t * 60_000L, v));
            }
        }
        return out;
    }
}
