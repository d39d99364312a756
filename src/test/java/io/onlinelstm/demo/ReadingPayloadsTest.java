package io.onlinelstm.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReadingPayloadsTest {

    @Test
    void writesTheRecordsTheGeneratorAlwaysWrote() {
        SyntheticSeries values = new SyntheticSeries(7);
        ReadingPayloads payloads = new ReadingPayloads(values, 120);
        for (long tick = 0; tick < 30; tick += 7) {
            long ts = DemoGenerator.START_TS + tick * DemoGenerator.TICK_MILLIS;
            for (int s = 0; s < 120; s++) {
                String key = SyntheticSeries.key(s);
                String expected = "{\"key\":\"" + key + "\",\"ts\":" + ts + ",\"value\":" + (float) values.value(s, tick) + "}";
                assertEquals(expected, new String(payloads.reading(s, tick, ts), StandardCharsets.UTF_8));
                assertEquals(key, payloads.key(s));
                assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), payloads.keyBytes(s));
            }
        }
    }
}
