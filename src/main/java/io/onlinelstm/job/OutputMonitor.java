package io.onlinelstm.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.io.JsonCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what the job committed (read_committed) to its forecast, dead-letter and alert topics and
 * summarises it, interval by interval, into status lines: those of the demo and of {@code run}.
 * Reads as an observer (assigned partitions, no group, nothing committed), so it never disturbs
 * the job's consumers.
 */
public final class OutputMonitor implements AutoCloseable {

    /** The job's output topics; a null alert topic is not watched. */
    public record Topics(String forecasts, String deadLetters, String alerts) {
        public static Topics of(JobConfig config) {
            return new Topics(config.get(JobOptions.TOPIC_FORECASTS), config.get(JobOptions.TOPIC_DEAD_LETTERS),
                    config.get(JobOptions.TOPIC_ALERTS));
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;

    private long forecasts;
    private long deadLetters;
    private long alerts;
    private long modelVersion = -1;
    // current interval
    private long intervalForecasts;
    private double sumAbsError;
    private double sumAbsPersistence;
    private long errorCount;
    private long[] latencies = new long[4096];
    private int latencyCount;

    /**
     * @param extra the job's extra Kafka client properties (security settings), used as they are
     * @param fromBeginning count everything in the topics; else only what is committed from now on
     *     (a long-lived topic may hold millions of earlier results)
     */
    public OutputMonitor(String servers, Properties extra, Topics topics, boolean fromBeginning) {
        Properties p = new Properties();
        p.putAll(extra);
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("max.poll.records", "5000");
        p.setProperty("client.id", "online-lstm-status");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics.alerts() == null ? List.of(topics.forecasts(), topics.deadLetters())
                : List.of(topics.forecasts(), topics.deadLetters(), topics.alerts())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
            // Resolve the end now: a lazy seek would land after what the job commits meanwhile.
            partitions.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
        }
    }

    /** Reads for up to {@code budget}. */
    public void poll(Duration budget) {
        long until = System.nanoTime() + budget.toNanos();
        do {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.topic().equals(topics.forecasts())) {
                    onForecast(r.value());
                } else if (r.topic().equals(topics.deadLetters())) {
                    deadLetters++;
                } else {
                    alerts++;
                }
            }
        } while (System.nanoTime() < until);
    }

    private void onForecast(byte[] json) {
        forecasts++;
        intervalForecasts++;
        try {
            JsonNode f = JsonCodec.mapper().readTree(json);
            JsonNode error = f.get("error");
            JsonNode persistence = f.get("persistenceError");
            if (error != null && error.isNumber() && persistence != null && persistence.isNumber()) {
                sumAbsError += Math.abs(error.asDouble());
                sumAbsPersistence += Math.abs(persistence.asDouble());
                errorCount++;
            }
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = f.get("latencyMs").asLong();
            JsonNode version = f.get("modelVersion");
            if (version != null && version.isNumber()) {
                modelVersion = Math.max(modelVersion, version.asLong());
            }
        } catch (IOException e) {
            // The job writes these records itself; an unreadable one is a bug worth seeing.
            throw new IllegalStateException("Unreadable forecast record: " + e.getMessage(), e);
        }
    }

    public long forecasts() {
        return forecasts;
    }

    public long deadLetters() {
        return deadLetters;
    }

    public long alerts() {
        return alerts;
    }

    /** The newest model version seen in a forecast; empty before the first forecast. */
    public OptionalLong modelVersion() {
        return modelVersion < 0 ? OptionalLong.empty() : OptionalLong.of(modelVersion);
    }

    /**
     * One status line for the interval since the last call, then starts a new interval.
     *
     * @param sent readings written by a generator of this process, when there is one
     */
    public String statusLine(long elapsedSeconds, double intervalSeconds, OptionalLong sent) {
        long p99 = -1;
        if (latencyCount > 0) {
            long[] sorted = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(sorted);
            p99 = sorted[Math.min(latencyCount - 1, (int) Math.ceil(0.99 * latencyCount) - 1)];
        }
        String line = String.format(
                "[%4ds] %,8.0f forecasts/s |%s forecasts %,d | dead letters %,d | alerts %,d | model %s | p99 latency %s"
                        + " | MAE model %s vs persistence %s",
                elapsedSeconds, intervalSeconds > 0 ? intervalForecasts / intervalSeconds : 0.0,
                sent.isPresent() ? String.format(" sent %,d |", sent.getAsLong()) : "",
                forecasts, deadLetters, alerts,
                modelVersion < 0 ? "-" : "v" + modelVersion,
                p99 < 0 ? "-" : p99 + " ms",
                errorCount == 0 ? "-" : String.format("%.3f", sumAbsError / errorCount),
                errorCount == 0 ? "-" : String.format("%.3f", sumAbsPersistence / errorCount));
        intervalForecasts = 0;
        sumAbsError = 0;
        sumAbsPersistence = 0;
        errorCount = 0;
        latencyCount = 0;
        return line;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
