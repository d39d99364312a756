package io.onlinelstm.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SeriesStateTest {

    @Test
    void windowTakesTheOldestEntriesAsInputsAndTheFollowingValuesAsTargets() {
        int window = 4;
        int horizon = 2;
        SeriesState s = SeriesState.create(6, 1, window + horizon);
        float[] x = new float[window];
        float[] y = new float[window * horizon];
        for (int v = 1; v <= 5; v++) {
            s.pushWindow(new float[] {v});
        }
        assertFalse(s.extractWindow(window, horizon, false, x, y), "5 entries cannot make a window of 4 plus 2 targets");
        for (int v = 6; v <= 9; v++) {
            s.pushWindow(new float[] {v});
        }
        // Ring holds 4..9: inputs 4..7, and each input's next two values; the last target is the newest, 9.
        assertTrue(s.extractWindow(window, horizon, false, x, y));
        assertArrayEquals(new float[] {4, 5, 6, 7}, x);
        assertArrayEquals(new float[] {5, 6, 6, 7, 7, 8, 8, 9}, y);
    }

    @Test
    void deltaTargetsAreChangesFromEachInputStep() {
        SeriesState s = SeriesState.create(6, 1, 5);
        for (int v : new int[] {1, 4, 9, 16, 25}) {
            s.pushWindow(new float[] {v});
        }
        float[] x = new float[3];
        float[] y = new float[3 * 2];
        assertTrue(s.extractWindow(3, 2, true, x, y));
        assertArrayEquals(new float[] {1, 4, 9}, x);
        assertArrayEquals(new float[] {3, 8, 5, 12, 7, 16}, y);
    }

    @Test
    void multiFeatureWindowsUseValueAsTarget() {
        SeriesState s = SeriesState.create(2, 2, 3);
        for (int v = 1; v <= 3; v++) {
            s.pushWindow(new float[] {v, 10 * v});
        }
        float[] x = new float[2 * 2];
        float[] y = new float[2];
        assertTrue(s.extractWindow(2, 1, false, x, y));
        assertArrayEquals(new float[] {1, 10, 2, 20}, x);
        assertArrayEquals(new float[] {2, 3}, y);
    }

    @Test
    void serializerRoundTripKeepsEveryField() throws Exception {
        SeriesState s = SeriesState.create(4, 2, 3);
        s.h[1] = 0.5f;
        s.c[3] = -2f;
        s.observe(new double[] {1, 2});
        s.observe(new double[] {3, 5});
        s.lastValue = 3;
        s.lastTs = 99;
        s.lastForecast = new float[] {4.5f};
        s.pushWindow(new float[] {1, 2});
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeriesStateSerializer.INSTANCE.serialize(s, out);
        SeriesState r = SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertArrayEquals(s.h, r.h);
        assertArrayEquals(s.c, r.c);
        assertEquals(2, r.count);
        assertArrayEquals(s.mean, r.mean);
        assertArrayEquals(s.m2, r.m2);
        assertEquals(99, r.lastTs);
        assertArrayEquals(s.lastForecast, r.lastForecast);
        assertArrayEquals(s.window, r.window);
        assertEquals(1, r.windowFill);
        assertEquals(1, r.windowNext);
    }
}
