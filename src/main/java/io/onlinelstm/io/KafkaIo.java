package io.onlinelstm.io;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Function;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builders of the job's Kafka sources and sinks. */
public final class KafkaIo {

    private KafkaIo() {}

    /** The readings source: raw records, offsets committed on checkpoints, read_committed. */
    public static KafkaSource<RawReading> readingsSource(
            String bootstrapServers, String topic, String groupId, String startingOffsets, Properties extra) {
        OffsetsInitializer start = switch (startingOffsets) {
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
        return KafkaSource.<RawReading>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(start)
                .setDeserializer(new RawReadingDeserializer())
                .setProperties(extra)
                // Only see what upstream producers committed, if they write transactionally.
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }

    /**
     * Forecasts as JSON, keyed by series key: exactly once in Kafka transactions committed with
     * each checkpoint, or at least once, flushed at each checkpoint and visible as soon as written.
     */
    public static KafkaSink<Forecast> forecastSink(
            String bootstrapServers, String topic, String transactionalIdPrefix, Duration transactionTimeout,
            Properties extra, DeliveryGuarantee guarantee) {
        return sink(bootstrapServers, transactionalIdPrefix + "-forecasts", transactionTimeout, extra,
                new ForecastRecords(topic), guarantee);
    }

    /** Dead letters as JSON, keyed by source topic, exactly once like the forecasts. */
    public static KafkaSink<DeadLetter> deadLetterSink(
            String bootstrapServers, String topic, String transactionalIdPrefix, Duration transactionTimeout,
            Properties extra) {
        return exactlyOnceSink(bootstrapServers, topic, transactionalIdPrefix + "-dead-letters", transactionTimeout,
                extra, d -> d.topic);
    }

    /**
     * Refused model updates as JSON, exactly once. Its transactional ids end in a suffix of their
     * own, so they cannot meet those of another sink of this job or of a job with another prefix.
     */
    public static KafkaSink<DeadLetter> modelUpdateDeadLetterSink(
            String bootstrapServers, String topic, String transactionalIdPrefix, Duration transactionTimeout,
            Properties extra) {
        return exactlyOnceSink(bootstrapServers, topic, transactionalIdPrefix + "-model-update-dlq", transactionTimeout,
                extra, d -> d.topic);
    }

    /** Alerts as JSON, keyed by series key, with the forecasts' guarantee. */
    public static KafkaSink<Alert> alertSink(
            String bootstrapServers, String topic, String transactionalIdPrefix, Duration transactionTimeout,
            Properties extra, DeliveryGuarantee guarantee) {
        return sink(bootstrapServers, topic, transactionalIdPrefix + "-alerts", transactionTimeout, extra,
                a -> a.key, guarantee);
    }

    /** Model updates as JSON (weights base64), keyed by version, exactly once. */
    public static KafkaSink<io.onlinelstm.io.ModelUpdate> modelUpdateSink(
            String bootstrapServers, String topic, String transactionalIdPrefix, Duration transactionTimeout,
            Properties extra) {
        return exactlyOnceSink(bootstrapServers, topic, transactionalIdPrefix + "-model-updates", transactionTimeout,
                extra, u -> String.valueOf(u.version));
    }

    /**
     * The model-updates topic as raw records: every announced version, from the beginning,
     * read_committed. Parsed and checked in the job (never here), so a bad record becomes a dead
     * letter instead of failing the source.
     */
    public static KafkaSource<RawReading> modelUpdateSource(
            String bootstrapServers, String topic, String groupId, Properties extra) {
        return KafkaSource.<RawReading>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                // Older versions than the serving one are ignored by the forecasters, so replaying is harmless.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawReadingDeserializer())
                .setProperties(extra)
                .setProperty("isolation.level", "read_committed")
                .setProperty("max.partition.fetch.bytes", String.valueOf(8 * 1024 * 1024))
                .build();
    }

    private static <T> KafkaSink<T> exactlyOnceSink(
            String bootstrapServers, String topic, String transactionalIdPrefix, Duration transactionTimeout,
            Properties extra, SerializableKey<T> key) {
        return sink(bootstrapServers, topic, transactionalIdPrefix, transactionTimeout, extra, key,
                DeliveryGuarantee.EXACTLY_ONCE);
    }

    private static <T> KafkaSink<T> sink(
            String bootstrapServers, String topic, String transactionalIdPrefix, Duration transactionTimeout,
            Properties extra, SerializableKey<T> key, DeliveryGuarantee guarantee) {
        return sink(bootstrapServers, transactionalIdPrefix, transactionTimeout, extra, new JsonRecords<>(topic, key),
                guarantee);
    }

    private static <T> KafkaSink<T> sink(
            String bootstrapServers, String transactionalIdPrefix, Duration transactionTimeout,
            Properties extra, KafkaRecordSerializationSchema<T> records, DeliveryGuarantee guarantee) {
        Properties producer = new Properties();
        producer.putAll(extra);
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(records)
                .setDeliveryGuarantee(guarantee);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            producer.setProperty("transaction.timeout.ms", String.valueOf(transactionTimeout.toMillis()));
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.setKafkaProducerConfig(producer).build();
    }

    /**
     * JSON values keyed by {@code key}, partitioned by key hash, and stamped with the time of
     * writing rather than the reading's event time (which stays in the JSON). Kafka's time-based
     * retention and its limit on timestamps in the future work on record timestamps: a replay of
     * old history would see its output deleted within minutes, and one reading dated far ahead
     * would be refused by the broker and fail the sink on every retry.
     */
    static final class JsonRecords<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final SerializableKey<T> key;

        JsonRecords(String topic, SerializableKey<T> key) {
            this.topic = topic;
            this.key = key;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            String k = key.apply(element);
            return new ProducerRecord<>(topic, null, null, k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                    JsonCodec.toBytes(element));
        }
    }

    /**
     * Forecasts exactly as {@link JsonRecords} write them (same bytes, key, and a null timestamp for
     * the same reason), by the forecast's own writer, one per sink writer: the busiest output.
     */
    static final class ForecastRecords implements KafkaRecordSerializationSchema<Forecast> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private transient ForecastJson json;

        ForecastRecords(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Forecast f, KafkaSinkContext context, Long timestamp) {
            if (json == null) {
                json = new ForecastJson();
            }
            return new ProducerRecord<>(topic, null, null, f.key == null ? null : f.key.getBytes(StandardCharsets.UTF_8),
                    json.toBytes(f));
        }
    }

    /** A serializable key extractor. */
    @FunctionalInterface
    interface SerializableKey<T> extends Function<T, String>, java.io.Serializable {}
}
