package io.onlinelstm.io;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Keeps each Kafka record's bytes and coordinates unparsed, stamped with its arrival time: parsing
 * happens in the job, where a bad record can be routed to the dead-letter topic instead of
 * failing the source.
 */
public final class RawReadingDeserializer implements KafkaRecordDeserializationSchema<RawReading> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawReading> out) {
        out.collect(new RawReading(record.value(), record.topic(), record.partition(), record.offset(),
                System.currentTimeMillis()));
    }

    @Override
    public TypeInformation<RawReading> getProducedType() {
        return TypeInformation.of(RawReading.class);
    }
}
