package io.onlinelstm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The forecast's own writer writes the bytes the shared mapper writes, whatever the record holds. */
class ForecastJsonTest {

    private static final double[] SPECIAL = {0.0, -0.0, 1e-320, 2e-3, 1e23, Double.MAX_VALUE, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1 + 0.2};

    @Test
    void writesWhatTheMapperWrites() {
        Random random = new Random(3);
        ForecastJson json = new ForecastJson();
        for (int i = 0; i < 5_000; i++) {
            Forecast f = forecast(random, i);
            assertEquals(new String(JsonCodec.toBytes(f), StandardCharsets.UTF_8),
                    new String(json.toBytes(f), StandardCharsets.UTF_8), "forecast " + i);
        }
    }

    @Test
    void forecastRecordsAreKeyedAndUnstampedAsEveryOtherOutput() {
        Forecast f = forecast(new Random(5), 1);
        ProducerRecord<byte[], byte[]> record = new KafkaIo.ForecastRecords("forecasts").serialize(f, null, f.ts);
        ProducerRecord<byte[], byte[]> generic = new KafkaIo.JsonRecords<Forecast>("forecasts", x -> x.key)
                .serialize(f, null, f.ts);
        assertEquals(generic.topic(), record.topic());
        assertArrayEquals(generic.key(), record.key());
        assertArrayEquals(generic.value(), record.value());
        assertNull(record.timestamp());
        assertNull(record.partition());
    }

    private static Forecast forecast(Random random, int i) {
        Forecast f = new Forecast();
        f.key = i % 97 == 0 ? null : i % 13 == 0 ? "s\u00e9rie \"" + i + "\"\n" : "series-" + i;
        f.ts = random.nextLong();
        f.value = number(random);
        f.forecast = i % 11 == 0 ? null : new float[random.nextInt(5)];
        if (f.forecast != null) {
            for (int k = 0; k < f.forecast.length; k++) {
                f.forecast[k] = i % 7 == 0 ? (float) SPECIAL[random.nextInt(SPECIAL.length)] : (float) random.nextGaussian() * 100;
            }
        }
        f.weights = i % 5 == 0 ? null : new MemberWeights(random.nextDouble(), number(random), random.nextDouble());
        f.lower = i % 3 == 0 ? null : number(random);
        f.upper = i % 3 == 0 ? null : number(random);
        f.modelVersion = random.nextInt(1000);
        f.error = i % 4 == 0 ? null : number(random);
        f.persistenceError = i % 4 == 1 ? null : number(random);
        f.latencyMs = random.nextInt(100_000);
        f.anomalyScore = random.nextDouble();
        f.anomalyPart = "residual";
        return f;
    }

    private static double number(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> SPECIAL[random.nextInt(SPECIAL.length)];
            case 1 -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
            case 2 -> (float) random.nextGaussian();
            default -> random.nextInt(1000) / 100.0;
        };
    }
}
