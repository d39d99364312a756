package io.onlinelstm.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.onlinelstm.io.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads the forecasts topic as a downstream application would (read_committed: under exactly-once
 * a forecast counts only once its checkpoint committed it) and times each forecast from the send
 * of its reading to the poll that returned it. Runs on its own thread until {@link #stop()}.
 */
final class ForecastWatcher implements Runnable {

    private final String servers;
    private final String topic;
    private final ReadingClock clock;
    private final int warmupReadings;
    private final LatencyRecorder.Stats stats = new LatencyRecorder.Stats();
    // Only the watcher's thread touches it.
    private final BitSet seen = new BitSet();
    private final SecondsOfWorstLatency worst = new SecondsOfWorstLatency();
    private volatile boolean running = true;
    private volatile long matched;
    private volatile long duplicates;
    private volatile long strays;
    private volatile RuntimeException failure;

    /** @param warmupReadings readings, from the first, whose forecasts are counted but not timed */
    ForecastWatcher(String servers, String topic, ReadingClock clock, int warmupReadings) {
        this.servers = servers;
        this.topic = topic;
        this.clock = clock;
        this.warmupReadings = warmupReadings;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = CommittedRecords.fromBeginning(servers, topic, true)) {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    onForecast(r, now);
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void onForecast(ConsumerRecord<byte[], byte[]> r, long now) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        int index = clock.index(key, ts(r.value()));
        if (index == ReadingClock.EARLIER) {
            return;
        }
        long sent = index < 0 ? 0 : clock.sentNanos(index);
        if (sent == 0) {
            strays++;
            return;
        }
        if (seen.get(index)) {
            // At-least-once may repeat a forecast after a failover; its first sighting is the one that counts.
            duplicates++;
            return;
        }
        seen.set(index);
        matched++;
        if (index >= warmupReadings) {
            long latency = Math.round((now - sent) / 1e6);
            stats.record(System.currentTimeMillis(), latency, 0);
            worst.record(now, latency);
        }
    }

    /** The forecast's ts, read without building the whole record: the watcher must keep up with the job. */
    private static long ts(byte[] json) {
        try (JsonParser p = JsonCodec.mapper().getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("ts")) {
                    return p.getLongValue();
                }
                p.skipChildren();
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * The {@code n} seconds (counted from the first timed forecast's poll) whose worst latency was
     * highest, slowest first: each as second, worst ms and forecasts timed in it.
     */
    List<Map<String, Long>> slowestSeconds(int n) {
        return worst.slowest(n);
    }

    /** Wall-clock start of the seconds {@link #slowestSeconds} counts; null before the first timed forecast. */
    java.time.Instant timedFrom() {
        return worst.start();
    }

    void stop() {
        running = false;
    }

    /** Forecasts matched to a reading of this run, each reading once. */
    long matched() {
        return matched;
    }

    long duplicates() {
        return duplicates;
    }

    /** Forecasts that match no reading sent by this run (none are expected). */
    long strays() {
        return strays;
    }

    /** Latencies of the forecasts of readings after the warm-up, in milliseconds. */
    LatencyRecorder.Stats stats() {
        return stats;
    }

    /** What stopped the watcher early, if anything. */
    RuntimeException failure() {
        return failure;
    }
}
