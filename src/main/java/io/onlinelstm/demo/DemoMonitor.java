package io.onlinelstm.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.io.JsonCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what the job committed (read_committed) from the forecast and dead-letter topics and
 * summarises it, interval by interval, into the demo's status lines.
 */
final class DemoMonitor implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String forecastTopic;

    private long forecasts;
    private long deadLetters;
    // current interval
    private long intervalForecasts;
    private double sumAbsError;
    private double sumAbsPersistence;
    private long errorCount;
    private long[] latencies = new long[4096];
    private int latencyCount;

    DemoMonitor(String servers, String forecastTopic, String deadLetterTopic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("max.poll.records", "5000");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.forecastTopic = forecastTopic;
        List<TopicPartition> partitions = new java.util.ArrayList<>();
        for (String topic : List.of(forecastTopic, deadLetterTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads for up to {@code budget}. */
    void poll(Duration budget) {
        long until = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.topic().equals(forecastTopic)) {
                    onForecast(r.value());
                } else {
                    deadLetters++;
                }
            }
        }
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
        } catch (IOException e) {
            // The job writes these records itself; an unreadable one is a bug worth seeing.
            throw new IllegalStateException("Unreadable forecast record: " + e.getMessage(), e);
        }
    }

    long forecasts() {
        return forecasts;
    }

    long deadLetters() {
        return deadLetters;
    }

    /** One status line for the interval since the last call, then starts a new interval. */
    String statusLine(long elapsedSeconds, double intervalSeconds, long sent) {
        long p99 = -1;
        if (latencyCount > 0) {
            long[] sorted = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(sorted);
            p99 = sorted[Math.min(latencyCount - 1, (int) Math.ceil(0.99 * latencyCount) - 1)];
        }
        String line = String.format(
                "[%4ds] %,8.0f forecasts/s | sent %,d | forecasts %,d | dead letters %,d | p99 latency %s | MAE model %s vs persistence %s",
                elapsedSeconds, intervalForecasts / intervalSeconds, sent, forecasts, deadLetters,
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
