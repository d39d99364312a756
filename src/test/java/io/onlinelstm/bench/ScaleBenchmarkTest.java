package io.onlinelstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void aStalledRunNamesTheFirstFatalLineOfTheProcessLogs(@TempDir Path logs) throws Exception {
        Files.writeString(logs.resolve("jobmanager.out"), "INFO started\nINFO job running\n");
        Files.writeString(logs.resolve("taskmanager-2.out"), "java.lang.OutOfMemoryError: Java heap space\n");
        Files.writeString(logs.resolve("taskmanager-1.out"),
                "INFO ok\nException: java.lang.OutOfMemoryError thrown from the UncaughtExceptionHandler\n");
        Files.writeString(logs.resolve("notes.txt"), "java.lang.OutOfMemoryError in a file that is no log\n");
        assertEquals(Optional.of("taskmanager-1.out: Exception: java.lang.OutOfMemoryError thrown from the UncaughtExceptionHandler"),
                ProcessLogFaults.first(logs));
    }

    @Test
    void healthyLogsOrNoLogFolderGiveNoFault(@TempDir Path logs) throws Exception {
        Files.writeString(logs.resolve("taskmanager-1.out"), "INFO all well\n");
        assertEquals(Optional.empty(), ProcessLogFaults.first(logs));
        assertEquals(Optional.empty(), ProcessLogFaults.first(logs.resolve("missing")));
    }

    @Test
    void aRunThatCouldNotFinishStillGivesItsLineWithTheReason() {
        Map<String, Object> json = ScaleBenchmark.failedRun("hashmap", 1_000_000, "out of heap");
        assertEquals("hashmap", json.get("backend"));
        assertEquals(1_000_000, json.get("series"));
        assertEquals("out of heap", json.get("error"));
    }
}
