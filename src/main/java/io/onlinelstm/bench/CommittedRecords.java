package io.onlinelstm.bench;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Counts what a consumer sees in a topic: read_committed, the job's exactly-once output. */
final class CommittedRecords {

    private static final Duration QUIET = Duration.ofSeconds(5);

    private CommittedRecords() {}

    /**
     * Reads the whole topic from the beginning ({@code committedOnly}: as a read_committed consumer) until at least {@code expected} records were seen
     * and none came for a few seconds (to catch extras), or until {@code timeout}.
     */
    static long count(String servers, String topic, long expected, boolean committedOnly, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(servers, topic, committedOnly)) {
            long count = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastRecord = System.nanoTime();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                count += records.count();
                if (!records.isEmpty()) {
                    lastRecord = System.nanoTime();
                } else if (count >= expected && System.nanoTime() - lastRecord > QUIET.toNanos()) {
                    break;
                }
            }
            return count;
        }
    }

    /**
     * A consumer of every partition of {@code topic}, at its beginning, without a group
     * ({@code committedOnly}: read_committed). The caller closes it.
     */
    static KafkaConsumer<byte[], byte[]> fromBeginning(String servers, String topic, boolean committedOnly) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("isolation.level", committedOnly ? "read_committed" : "read_uncommitted");
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("max.poll.records", "10000");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return consumer;
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }
}
