package io.onlinelstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SecondsOfWorstLatencyTest {

    private static final long START = 1_000_000_000L;

    private static long at(double seconds) {
        return START + (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void namesTheSecondsWithTheHighestWorstLatencyFirst() {
        SecondsOfWorstLatency seconds = new SecondsOfWorstLatency();
        seconds.record(at(0), 30);
        seconds.record(at(0.5), 40);
        seconds.record(at(10.2), 350);
        seconds.record(at(10.9), 20);
        seconds.record(at(20.1), 300);
        seconds.record(at(130.0), 90); // past the first array's 64 seconds

        assertEquals(List.of(
                        Map.of("second", 10L, "worst_ms", 350L, "forecasts", 2L),
                        Map.of("second", 20L, "worst_ms", 300L, "forecasts", 1L),
                        Map.of("second", 130L, "worst_ms", 90L, "forecasts", 1L)),
                seconds.slowest(3));
        assertEquals(4, seconds.slowest(10).size(), "only seconds with forecasts are listed");
    }

    @Test
    void tiesGoToTheEarlierSecondAndAnEmptyRunHasNone() {
        SecondsOfWorstLatency seconds = new SecondsOfWorstLatency();
        assertEquals(List.of(), seconds.slowest(5));
        seconds.record(at(0), 5);
        seconds.record(at(3), 80);
        seconds.record(at(2), 80);
        assertEquals(List.of(2L, 3L), seconds.slowest(2).stream().map(m -> m.get("second")).toList());
    }

    @Test
    void secondZeroIsTheWallClockTimeOfTheFirstSample() {
        SecondsOfWorstLatency seconds = new SecondsOfWorstLatency();
        assertEquals(null, seconds.start());
        java.time.Instant before = java.time.Instant.now();
        // A sample observed 30 s ago on the monotonic clock starts second 0 30 s ago on the wall clock.
        seconds.record(System.nanoTime() - TimeUnit.SECONDS.toNanos(30), 10);
        seconds.record(System.nanoTime(), 10);
        long ago = java.time.Duration.between(seconds.start(), before).toSeconds();
        assertEquals(30, ago, 1, "second 0 at " + seconds.start() + ", test started " + before);
    }
}
