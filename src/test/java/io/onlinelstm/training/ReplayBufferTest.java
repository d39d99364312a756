package io.onlinelstm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    @Test
    void aYoungBufferHoldsOutAQuarterAndAGrownOneTheHoldout() {
        ReplayBuffer buffer = new ReplayBuffer(1_000, 64, 1);
        List<TrainingWindow> windows = Windows.sine(600, 8, 8, 1);
        buffer.add(windows.get(0));
        assertEquals(1, buffer.heldOut(), "a single window is held out: there is nothing to judge on otherwise");
        assertEquals(0, buffer.trainable());
        for (int i = 1; i < 8; i++) {
            buffer.add(windows.get(i));
        }
        assertEquals(2, buffer.heldOut());
        assertEquals(6, buffer.trainable());
        assertEquals(windows.subList(6, 8), buffer.holdoutWindows(), "the newest windows are the holdout");
        for (int i = 8; i < 600; i++) {
            buffer.add(windows.get(i));
        }
        assertEquals(64, buffer.heldOut());
        assertEquals(600, buffer.received());
        // Samples never touch the holdout.
        List<TrainingWindow> holdout = buffer.holdoutWindows();
        for (TrainingWindow w : buffer.sample(new Random(2), 2_000)) {
            assertEquals(false, holdout.contains(w));
        }
    }
}
