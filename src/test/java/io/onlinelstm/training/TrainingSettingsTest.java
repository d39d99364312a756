package io.onlinelstm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.model.OptimizerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingSettingsTest {

    private static TrainingSettings schedule(int minWindows, int everyWindows, double share) {
        return new TrainingSettings(32, 1.0, 10_000, 256, everyWindows, Duration.ZERO, 20, 64,
                OptimizerConfig.defaults(), 0.02, minWindows, 0.2, 0.0, 1_000, share);
    }

    @Test
    void theDefaultsTrainWithinAFewHundredReadingsWithoutAClock() {
        TrainingSettings d = TrainingSettings.defaults();
        assertTrue(d.minWindows() * (long) d.stride() <= 512,
                "first round after " + d.minWindows() + " windows of " + d.stride() + " readings");
        assertFalse(d.clockRounds(), "rounds must be spaced by windows, so replay and live train alike");
        assertTrue(d.trainEveryShare() > 0, "young models should train more often than old ones");
        // NAB's probation: the first 15 % of a file of 4,000 rows, 600 readings of one series, 18 windows.
        long probationWindows = 600 / d.stride();
        List<Long> rounds = new ArrayList<>();
        long received = d.minWindows();
        while (received <= probationWindows) {
            rounds.add(received);
            received += d.windowsBetweenRounds(received);
        }
        assertTrue(rounds.size() >= 2, "rounds within the probation: " + rounds);
    }

    @Test
    void theSpacingGrowsWithTheWindowsReceivedUpToEveryWindows() {
        TrainingSettings s = schedule(8, 512, 0.25);
        assertEquals(1, s.windowsBetweenRounds(0), "before the first round only min-windows gates");
        assertEquals(2, s.windowsBetweenRounds(8));
        assertEquals(3, s.windowsBetweenRounds(10));
        assertEquals(25, s.windowsBetweenRounds(100));
        assertEquals(512, s.windowsBetweenRounds(2_048));
        assertEquals(512, s.windowsBetweenRounds(1_000_000), "a grown model trains every every-windows windows");
        long previous = 0;
        for (long received = 0; received < 5_000; received += 7) {
            long spacing = s.windowsBetweenRounds(received);
            assertTrue(spacing >= previous, "spacing shrank at " + received);
            previous = spacing;
        }
    }

    @Test
    void aShareOfZeroSpacesEveryRoundByEveryWindows() {
        TrainingSettings s = schedule(8, 64, 0);
        assertEquals(64, s.windowsBetweenRounds(0));
        assertEquals(64, s.windowsBetweenRounds(10_000));
    }

    @Test
    void invalidSchedulesSayWhatIsWrong() {
        IllegalArgumentException share = assertThrows(IllegalArgumentException.class, () -> schedule(8, 512, -0.1));
        assertTrue(share.getMessage().contains("training.every-share"), share.getMessage());
        IllegalArgumentException clock = assertThrows(IllegalArgumentException.class,
                () -> new TrainingSettings(32, 1.0, 10_000, 256, 512, Duration.ofSeconds(-1), 20, 64,
                        OptimizerConfig.defaults(), 0.02, 8, 0.2, 0.0, 1_000, 0.25));
        assertTrue(clock.getMessage().contains("training.every"), clock.getMessage());
    }
}
