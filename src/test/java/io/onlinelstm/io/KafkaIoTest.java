package io.onlinelstm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaIoTest {

    @Test
    void outputRecordsAreKeyedJsonStampedWhenWrittenNotWithTheReadingsEventTime() {
        Forecast f = new Forecast();
        f.key = "sensor-7";
        f.ts = 4_102_444_800_000L;
        f.forecast = new float[] {1.5f};
        ProducerRecord<byte[], byte[]> record = new KafkaIo.JsonRecords<Forecast>("forecasts", x -> x.key)
                .serialize(f, null, f.ts);
        assertEquals("forecasts", record.topic());
        assertArrayEquals("sensor-7".getBytes(StandardCharsets.UTF_8), record.key());
        assertArrayEquals(JsonCodec.toBytes(f), record.value());
        // Null: the producer stamps the time of writing, which retention and the broker's clock checks expect.
        assertNull(record.timestamp());
        assertNull(record.partition(), "partitioned by key hash");
    }
}
