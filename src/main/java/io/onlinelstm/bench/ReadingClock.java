package io.onlinelstm.bench;

import io.onlinelstm.demo.DemoGenerator;
import io.onlinelstm.demo.SyntheticSeries;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each reading of a {@link DemoGenerator} run (from {@code firstTick}) was handed to the producer, by its
 * index, and the way back from a forecast's key and ts to that index. Producer and consumer are in
 * the same JVM, so one monotonic clock ({@link System#nanoTime()}) times both ends.
 */
final class ReadingClock {

    private static final String KEY_PREFIX = SyntheticSeries.key(0).replaceAll("\\d+$", "");

    /** {@link #index} of a reading from before the first tick: the primer's, neither timed nor a stray. */
    static final int EARLIER = -2;

    private final int series;
    private final long firstTick;
    // Written by the generator's thread, read by the consumer's: atomic for visibility.
    private final AtomicLongArray sentNanos;

    ReadingClock(int series, long firstTick, int readings) {
        this.series = series;
        this.firstTick = firstTick;
        this.sentNanos = new AtomicLongArray(readings);
    }

    /** For {@link DemoGenerator#beforeSend}. */
    void sent(long index) {
        if (index < sentNanos.length()) {
            sentNanos.set((int) index, System.nanoTime());
        }
    }

    /**
     * The index of the reading of {@code key} at {@code ts}; {@link #EARLIER} before the first tick;
     * -1 when it is not one of this run's.
     */
    int index(String key, long ts) {
        if (key == null || !key.startsWith(KEY_PREFIX)) {
            return -1;
        }
        int s;
        try {
            s = Integer.parseInt(key.substring(KEY_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
        long offset = ts - DemoGenerator.START_TS;
        if (s < 0 || s >= series || offset < 0 || offset % DemoGenerator.TICK_MILLIS != 0) {
            return -1;
        }
        long tick = offset / DemoGenerator.TICK_MILLIS;
        if (tick < firstTick) {
            return EARLIER;
        }
        long index = (tick - firstTick) * series + s;
        return index < sentNanos.length() ? (int) index : -1;
    }

    /** When reading {@code index} was sent; 0 if it was not (yet). */
    long sentNanos(int index) {
        return sentNanos.get(index);
    }

    int readings() {
        return sentNanos.length();
    }
}
