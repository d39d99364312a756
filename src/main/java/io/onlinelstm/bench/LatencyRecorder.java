package io.onlinelstm.bench;

import io.onlinelstm.io.Forecast;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A discarding sink that records, per benchmark run, how many forecasts arrived when, and each
 * one's latency from generation to the sink. Runs in the same JVM as the local cluster, so a
 * static registry is how the numbers get back to the benchmark.
 */
final class LatencyRecorder implements Sink<Forecast> {

    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<String, Stats> RUNS = new ConcurrentHashMap<>();

    private final String run;
    private final long warmupRecords;

    LatencyRecorder(String run, long warmupRecords) {
        this.run = run;
        this.warmupRecords = warmupRecords;
        RUNS.put(run, new Stats());
    }

    static Stats stats(String run) {
        return RUNS.get(run);
    }

    static void forget(String run) {
        RUNS.remove(run);
    }

    @Override
    public SinkWriter<Forecast> createWriter(WriterInitContext context) {
        Stats stats = RUNS.get(run);
        return new SinkWriter<>() {
            @Override
            public void write(Forecast f, Context ctx) {
                long now = System.currentTimeMillis();
                stats.sawVersion(f.modelVersion, now);
                stats.record(now, f.latencyMs, warmupRecords);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** Counts and latency samples of one run (after warm-up). */
    static final class Stats {
        private final AtomicLong seen = new AtomicLong();
        private volatile long firstMillis = -1;
        private volatile long lastMillis = -1;
        /** This process's CPU when the first record after the warm-up arrived; null before, or off Linux. */
        private volatile ProcessCpu cpuAtFirstMeasured;
        private long measured;
        private long[] latencies = new long[1 << 16];
        private int samples;
        private long sampleEvery = 1;
        private long max = -1;

        private final ConcurrentHashMap<Long, Long> firstSeen = new ConcurrentHashMap<>();

        void sawVersion(long version, long now) {
            firstSeen.putIfAbsent(version, now);
        }

        /** Wall-clock time each model version first reached the sink. */
        java.util.Map<Long, Long> firstSeen() {
            return firstSeen;
        }

        long seen() {
            return seen.get();
        }

        /** {@code latency}: the forecast's own arrival-to-forecast milliseconds. */
        synchronized void record(long now, long latency, long warmup) {
            long n = seen.incrementAndGet();
            if (n <= warmup) {
                return;
            }
            if (firstMillis < 0) {
                firstMillis = now;
                cpuAtFirstMeasured = ProcessCpu.now();
            }
            lastMillis = now;
            measured++;
            max = Math.max(max, latency);
            if (measured % sampleEvery == 0) {
                if (samples == latencies.length) {
                    // Keep memory bounded: halve the samples and sample half as often.
                    for (int i = 0; i < samples / 2; i++) {
                        latencies[i] = latencies[2 * i];
                    }
                    samples /= 2;
                    sampleEvery *= 2;
                }
                latencies[samples++] = latency;
            }
        }

        /** CPU the process used since the first measured record, in microseconds per measured record: {total, without JIT}. */
        synchronized double[] cpuMicrosPerMeasured(ProcessCpu now) {
            if (cpuAtFirstMeasured == null || now == null || measured == 0) {
                return null;
            }
            double[] seconds = now.secondsSince(cpuAtFirstMeasured);
            return new double[] {1e6 * seconds[0] / measured, 1e6 * (seconds[0] - seconds[1]) / measured};
        }

        /** The largest latency recorded after warm-up (not sampled: every record counts); -1 before any. */
        synchronized long max() {
            return max;
        }

        synchronized long measured() {
            return measured;
        }

        synchronized double eventsPerSecond() {
            double seconds = (lastMillis - firstMillis) / 1000.0;
            return seconds <= 0 ? Double.NaN : measured / seconds;
        }

        synchronized long percentile(double p) {
            if (samples == 0) {
                return -1;
            }
            long[] sorted = Arrays.copyOf(latencies, samples);
            Arrays.sort(sorted);
            return sorted[Math.min(samples - 1, (int) Math.ceil(p * samples) - 1)];
        }
    }
}
