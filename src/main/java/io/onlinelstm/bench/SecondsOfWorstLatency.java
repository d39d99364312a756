package io.onlinelstm.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Worst latency and count per second of a run, so that a report can say when its tail happened.
 * Seconds are counted from the first recorded sample. Written by the watcher's thread, read by
 * the benchmark's: hence synchronized.
 */
final class SecondsOfWorstLatency {

    private long startNanos = -1;
    /** Wall-clock time of the first sample: where second 0 starts in other logs (GC, the job's, the system's). */
    private Instant start;
    private long[] worst = new long[64];
    private long[] count = new long[64];
    private int seconds;

    /** @param nanos when the sample was observed ({@link System#nanoTime()}) */
    synchronized void record(long nanos, long latencyMs) {
        if (startNanos < 0) {
            startNanos = nanos;
            start = Instant.now().minusNanos(System.nanoTime() - nanos);
        }
        int second = (int) Math.max(0, TimeUnit.NANOSECONDS.toSeconds(nanos - startNanos));
        if (second >= worst.length) {
            int size = Math.max(second + 1, 2 * worst.length);
            worst = Arrays.copyOf(worst, size);
            count = Arrays.copyOf(count, size);
        }
        worst[second] = Math.max(worst[second], latencyMs);
        count[second]++;
        seconds = Math.max(seconds, second + 1);
    }

    /** When second 0 started (wall clock); null before the first sample. */
    synchronized Instant start() {
        return start;
    }

    /** The {@code n} seconds with the highest worst latency, highest first (earlier second on ties). */
    synchronized List<Map<String, Long>> slowest(int n) {
        List<Integer> order = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            if (count[s] > 0) {
                order.add(s);
            }
        }
        order.sort(Comparator.<Integer>comparingLong(s -> -worst[s]).thenComparingInt(s -> s));
        List<Map<String, Long>> out = new ArrayList<>();
        for (int s : order.subList(0, Math.min(n, order.size()))) {
            Map<String, Long> entry = new LinkedHashMap<>();
            entry.put("second", (long) s);
            entry.put("worst_ms", worst[s]);
            entry.put("forecasts", count[s]);
            out.add(entry);
        }
        return out;
    }
}
