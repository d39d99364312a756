package io.onlinelstm.demo;

import java.nio.charset.StandardCharsets;

/**
 * The JSON readings of {@link SyntheticSeries}, {@code {"key":"sensor-00017","ts":...,"value":...}},
 * with each series' key and the record's opening made once instead of per reading: the generator
 * shares the machine with the job it measures, and formatting the key (String.format) was most of
 * its own work per record.
 */
final class ReadingPayloads {

    private final SyntheticSeries values;
    private final String[] keys;
    private final byte[][] keyBytes;
    private final String[] openings;
    private long tick = Long.MIN_VALUE;
    private String middle;

    ReadingPayloads(SyntheticSeries values, int series) {
        this.values = values;
        this.keys = new String[series];
        this.keyBytes = new byte[series][];
        this.openings = new String[series];
        for (int s = 0; s < series; s++) {
            keys[s] = SyntheticSeries.key(s);
            keyBytes[s] = keys[s].getBytes(StandardCharsets.UTF_8);
            openings[s] = "{\"key\":\"" + keys[s] + "\",\"ts\":";
        }
    }

    String key(int series) {
        return keys[series];
    }

    byte[] keyBytes(int series) {
        return keyBytes[series];
    }

    /** The reading of {@code series} at {@code tick}, whose event time is {@code ts}. */
    byte[] reading(int series, long tick, long ts) {
        if (tick != this.tick) {
            this.tick = tick;
            middle = ts + ",\"value\":";
        }
        return (openings[series] + middle + (float) values.value(series, tick) + "}").getBytes(StandardCharsets.UTF_8);
    }
}
