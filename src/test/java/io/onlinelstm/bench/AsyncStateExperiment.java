package io.onlinelstm.bench;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.legacy.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * State access alone, the forecaster's pattern without the LSTM: for each reading, read the series'
 * state (a byte[] of about the size of a SeriesState), change it, write it back; keys round-robin
 * over {@code keys} series, so after the first pass every read finds a value. Synchronous state API
 * (one read at a time, as BundlingForecastOperator does) against the asynchronous one (State V2:
 * the operator keeps up to active-buffer-size records in flight and ForSt fetches their states as
 * batches on its IO threads), on ForSt or RocksDB.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:target/lib/* io.onlinelstm.bench.AsyncStateExperiment \
 *     forst async 1000000 3000000 1300 1 256
 * </pre>
 *
 * args: backend (forst|rocksdb|hashmap), api (sync|async), keys, events, value bytes, parallelism,
 * async active buffer size, and optionally ForSt's primary directory (e.g. file:///tmp/forst-primary). Prints one JSON line per keyed subtask: first pass (every read a miss,
 * every write new) and the later passes (every read a hit) in events/s.
 */
public final class AsyncStateExperiment {

    public static void main(String[] args) throws Exception {
        String backend = args[0];
        boolean async = args[1].equals("async");
        int keys = Integer.parseInt(args[2]);
        long events = Long.parseLong(args[3]);
        int valueBytes = Integer.parseInt(args[4]);
        int parallelism = Integer.parseInt(args[5]);
        int buffer = Integer.parseInt(args[6]);
        // Optional: ForSt's primary directory (its SST files read and written through Flink's file system, as
        // with remote storage), for the synchronous API too (sync.enforce-local off).
        String primaryDir = args.length > 7 ? args[7] : null;

        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        // As bench pipeline: what a TaskManager of flink-conf/config.yaml gives the backend, bloom filters on.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("1300m"));
        conf.set(org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        conf.set(org.apache.flink.state.forst.ForStConfigurableOptions.USE_BLOOM_FILTER, true);
        conf.set(ExecutionOptions.ASYNC_STATE_ACTIVE_BUFFER_SIZE, buffer);
        conf.set(ExecutionOptions.ASYNC_STATE_ACTIVE_BUFFER_TIMEOUT, 10L);
        if (primaryDir != null) {
            conf.set(org.apache.flink.state.forst.ForStOptions.PRIMARY_DIRECTORY, primaryDir);
            conf.set(org.apache.flink.state.forst.ForStOptions.SYNC_ENFORCE_LOCAL, false);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);

        KeyedStream<Long, String> readings = env.fromSequence(0, events - 1).setParallelism(1)
                .keyBy(i -> "series-" + (i % keys));
        String label = backend + "/" + (async ? "async" : "sync") + (primaryDir != null ? "/primary-dir" : "");
        (async ? readings.enableAsyncState().process(new AsyncTouch(keys, valueBytes, label))
                : readings.process(new SyncTouch(keys, valueBytes, label)))
                .returns(Types.LONG)
                .addSink(new DiscardingSink<>());
        long t0 = System.nanoTime();
        env.execute("async-state-experiment");
        System.out.printf("{\"run\":\"%s\",\"keys\":%d,\"events\":%d,\"value_bytes\":%d,\"parallelism\":%d,"
                        + "\"buffer\":%d,\"wall_s\":%.1f}%n",
                label, keys, events, valueBytes, parallelism, buffer, (System.nanoTime() - t0) / 1e9);
        // With a primary-dir, ForSt leaves non-daemon native threads behind that keep the JVM alive.
        System.exit(0);
    }

    private static final TypeInformation<byte[]> BYTES =
            org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;

    /** Timing shared by both variants: first pass (misses) and later passes (hits). */
    private abstract static class Timed extends KeyedProcessFunction<String, Long, Long> {
        final int keys;
        final int valueBytes;
        final String label;
        long start;
        long secondPassAt;
        long firstPass;
        long later;

        Timed(int keys, int valueBytes, String label) {
            this.keys = keys;
            this.valueBytes = valueBytes;
            this.label = label;
        }

        void count(long index) {
            if (index < keys) {
                firstPass++;
            } else {
                if (secondPassAt == 0) {
                    secondPassAt = System.nanoTime();
                }
                later++;
            }
        }

        byte[] touch(byte[] old) {
            byte[] next = old == null ? new byte[valueBytes] : old.clone();
            next[0]++;
            return next;
        }

        @Override
        public void open(OpenContext context) throws Exception {
            start = System.nanoTime();
        }

        @Override
        public void close() throws Exception {
            long end = System.nanoTime();
            // Async: records still in flight when the second pass starts; the split is approximate by a buffer.
            double first = (secondPassAt - start) / 1e9;
            double rest = (end - secondPassAt) / 1e9;
            System.out.printf("{\"run\":\"%s\",\"subtask\":%d,\"first_pass_events_per_s\":%d,"
                            + "\"later_passes_events_per_s\":%d,\"first_s\":%.1f,\"later_s\":%.1f}%n",
                    label, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    Math.round(firstPass / first), Math.round(later / rest), first, rest);
        }
    }

    /** One synchronous read and write per reading (the production operator's state API). */
    static final class SyncTouch extends Timed {
        private transient org.apache.flink.api.common.state.ValueState<byte[]> state;

        SyncTouch(int keys, int valueBytes, String label) {
            super(keys, valueBytes, label);
        }

        @Override
        public void open(OpenContext context) throws Exception {
            super.open(context);
            state = getRuntimeContext().getState(
                    new org.apache.flink.api.common.state.ValueStateDescriptor<>("series-state", BYTES));
        }

        @Override
        public void processElement(Long index, Context ctx, Collector<Long> out) throws Exception {
            state.update(touch(state.value()));
            count(index);
        }
    }

    /** The same through State V2: the read returns a future; the write runs when it completes. */
    static final class AsyncTouch extends Timed {
        private transient org.apache.flink.api.common.state.v2.ValueState<byte[]> state;

        AsyncTouch(int keys, int valueBytes, String label) {
            super(keys, valueBytes, label);
        }

        @Override
        public void open(OpenContext context) throws Exception {
            super.open(context);
            state = getRuntimeContext().getState(
                    new org.apache.flink.api.common.state.v2.ValueStateDescriptor<>("series-state", BYTES));
        }

        @Override
        public void processElement(Long index, Context ctx, Collector<Long> out) {
            count(index);
            state.asyncValue().thenAccept(old -> state.asyncUpdate(touch(old)));
        }
    }
}
