package io.onlinelstm.operator;

import io.onlinelstm.io.Reading;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The readings of one bundle, in arrival order, split into waves: a series that appears k times
 * is stepped in k consecutive waves, its i-th reading in wave i, so each step sees the state the
 * previous one left. Also says which distinct series the bundle holds, in first-arrival order.
 */
final class ReadingBundle {

    private final List<Reading> readings;
    private final int[] waveOf;
    private final Map<String, Integer> occurrences;
    private int waves;

    ReadingBundle(int capacity) {
        readings = new ArrayList<>(capacity);
        waveOf = new int[capacity];
        occurrences = new LinkedHashMap<>(capacity * 2);
    }

    /** Adds a reading; returns the bundle's size after it. */
    int add(Reading reading) {
        int i = readings.size();
        readings.add(reading);
        int wave = occurrences.merge(reading.key, 1, Integer::sum) - 1;
        waveOf[i] = wave;
        waves = Math.max(waves, wave + 1);
        return readings.size();
    }

    int size() {
        return readings.size();
    }

    Reading get(int i) {
        return readings.get(i);
    }

    int waveOf(int i) {
        return waveOf[i];
    }

    int waves() {
        return waves;
    }

    /** The distinct series of the bundle, in the order they first arrived. */
    Iterable<String> keys() {
        return occurrences.keySet();
    }

    void clear() {
        readings.clear();
        occurrences.clear();
        waves = 0;
    }
}
