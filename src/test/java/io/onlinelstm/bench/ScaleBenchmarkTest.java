package io.onlinelstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleBenchmarkTest {

    /** Samples of (time ms, forecasts written) every 250 ms. */
    private static List<long[]> samples(long... counts) {
        List<long[]> s = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            s.add(new long[] {1_000 + 250L * i, counts[i]});
        }
        return s;
    }

    @Test
    void recoveryCountsOnlyForecastsWrittenAfterTheJobRanAgain() {
        // Output of the dying attempt (1,000 -> 1,500) comes before the restart at 1,600 ms and does not count;
        // nothing moves until 2,250 ms.
        List<long[]> s = samples(1_000, 1_200, 1_500, 1_500, 1_500, 1_500, 2_000, 2_500);
        assertEquals(2_500, ScaleBenchmark.firstGrowthAfter(s, 1_600));
        assertEquals(1_250, ScaleBenchmark.firstGrowthAfter(s, 0));
    }

    @Test
    void noGrowthAfterTheRestartGivesNoRecovery() {
        assertEquals(-1, ScaleBenchmark.firstGrowthAfter(samples(1, 2, 3, 3, 3), 1_500));
    }

    @Test
    void theJsonLineCarriesTheFiguresTheDocsTableShows() {
        ScaleBenchmark.Result r = new ScaleBenchmark.Result("rocksdb", 1_000_000, 60_000, 1_200, 2_400, 50_000_000,
                1_500_000_000L, 1_320_000_000L, 0.5, 21_000, 3, 1, 0, List.of());
        Map<String, Object> json = r.json();
        assertEquals(1_320L, json.get("bytes_per_series"));
        for (String key : List.of("backend", "series", "events_per_s", "checkpoint_p50_ms", "checkpoint_max_ms",
                "checkpoint_bytes", "bytes_per_series", "rss_trend_mb_per_min", "recovery_ms", "taskmanager_restarts")) {
            assertTrue(json.containsKey(key), key);
        }
    }
}
