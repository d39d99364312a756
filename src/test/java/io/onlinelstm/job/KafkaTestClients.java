package io.onlinelstm.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka producer and read_committed consumer for tests. */
final class KafkaTestClients {

    private KafkaTestClients() {}

    /** The first failed send of each producer: a test's input must never go missing unnoticed. */
    private static final java.util.Map<KafkaProducer<byte[], byte[]>, Exception> FAILED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    static KafkaProducer<byte[], byte[]> producer(String servers) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("acks", "all");
        p.setProperty("linger.ms", "5");
        // A busy 2-core machine can stall the in-process broker for many seconds: wait rather than expire
        // batches, which would drop input and reset the idempotent producer's sequence numbers.
        p.setProperty("request.timeout.ms", "120000");
        p.setProperty("delivery.timeout.ms", "600000");
        // One request in flight: right after a topic is created its first batch can fail with a retriable
        // error while the next one succeeds; the idempotent producer then retries the first for ever,
        // refused as out of order (KAFKA-14359). Waiting for each answer keeps batches in order.
        p.setProperty("max.in.flight.requests.per.connection", "1");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, String value) {
        sendBytes(producer, topic, key, value.getBytes());
    }

    static void sendBytes(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(), value), (metadata, e) -> {
            if (e != null) {
                FAILED.putIfAbsent(producer, e);
            }
        });
    }

    /** Flushes, then fails if any record sent through this producer was not written. */
    static void flush(KafkaProducer<byte[], byte[]> producer) {
        producer.flush();
        Exception e = FAILED.remove(producer);
        if (e != null) {
            throw new IllegalStateException("The test's input did not all reach Kafka: " + e, e);
        }
    }

    static void createTopics(String servers, int partitions, String... topics) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            admin.createTopics(java.util.Arrays.stream(topics)
                    .map(t -> new org.apache.kafka.clients.admin.NewTopic(t, partitions, (short) 1)).toList())
                    .all().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * Reads {@code topic} from the beginning as a read_committed consumer until {@code done} holds
     * for what was read or {@code timeout} passes, then keeps reading for {@code settle} more to
     * catch anything extra (duplicates).
     */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String servers, String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout, Duration settle) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            long settleUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (settleUntil == Long.MAX_VALUE && done.test(records)) {
                    settleUntil = System.nanoTime() + settle.toNanos();
                }
            }
        }
        return records;
    }
}
