package io.onlinelstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * bench latency in a short form: a fixed small rate (no search), seconds per phase, a tiny model.
 * The real broker, job and consumers run; the figures are not asserted (timing on a shared machine
 * says nothing), only that every phase ran and timed forecasts.
 */
class LatencyBenchmarkTest {

    @Test
    void everyPhaseReportsLatenciesOfItsForecasts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path brokerDir)
            throws Exception {
        java.time.Instant started = java.time.Instant.now();
        LatencyBenchmark.Settings settings = new LatencyBenchmark.Settings(50, 2, Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(2), 300, 0, 1,
                // 2 s checkpoints: the exactly-once phase waits for one after its last reading.
                Map.of("model.hidden-size", "8", "checkpoint.interval", "2 s"), List.of(LatencyPhase.values()), brokerDir);
        List<Map<String, Object>> printed = new ArrayList<>();
        List<Map<String, Object>> lines = new LatencyBenchmark(settings).run(line -> {
            System.out.println("LATENCY " + line);
            printed.add(line);
        });

        assertEquals(lines, printed);
        // The broker kept its log where it was told, and took it away when it stopped.
        try (var left = java.nio.file.Files.list(brokerDir)) {
            assertEquals(List.of(), left.toList());
        }
        // A given rate still warms the JVM first, with one trial that is reported, not judged.
        assertEquals("warm-up", lines.get(0).get("phase"));
        assertEquals(300L, lines.get(0).get("rate"));
        List<Map<String, Object>> phases = lines.subList(1, lines.size());
        assertEquals(List.of("at-least-once", "exactly-once", "exactly-once"), phases.stream().map(l -> l.get("mode")).toList());
        assertEquals(List.of(2_000L, 2_000L, 1_000L), phases.stream().map(l -> l.get("checkpoint_interval_ms")).toList());
        for (Map<String, Object> line : phases) {
            assertEquals("measure", line.get("phase"));
            for (String key : List.of("rate", "sustained_rate", "p50_ms", "p99_ms", "max_ms", "slowest_seconds",
                    "forecasts", "missing", "target_p99_ms", "seconds_from")) {
                assertTrue(line.containsKey(key), key + " in " + line);
            }
            assertEquals(300L, line.get("rate"));
            assertEquals(brokerDir.toString(), line.get("broker_dir"));
            assertTrue(((Number) line.get("forecasts")).longValue() > 0, line.toString());
            assertEquals(0L, line.get("missing"), line.toString());
            assertEquals(0L, line.get("strays"), line.toString());
            List<?> slowest = (List<?>) line.get("slowest_seconds");
            assertTrue(!slowest.isEmpty() && slowest.size() <= LatencyBenchmark.SLOWEST_SECONDS_SHOWN, line.toString());
            assertEquals(line.get("max_ms"), ((Map<?, ?>) slowest.get(0)).get("worst_ms"),
                    "the slowest second holds the phase's worst latency: " + line);
            // Second 0 is a wall-clock time within this test's run.
            java.time.Instant from = java.time.Instant.parse((String) line.get("seconds_from"));
            assertTrue(from.isAfter(started) && from.isBefore(java.time.Instant.now()), line.toString());
        }
    }

    @Test
    void searchedRateIsSettledAtHalfBeforeThePhasesAsked() throws Exception {
        // 4 s trials: the lag rule then compares the first second with all four, so a trial fails only
        // when the generator itself fell behind; two trials, so one failure still leaves a rate.
        LatencyBenchmark.Settings settings = new LatencyBenchmark.Settings(50, 2, Duration.ofSeconds(4),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 0, 400, 2,
                Map.of("model.hidden-size", "8", "checkpoint.interval", "2 s"),
                List.of(LatencyPhase.EXACTLY_ONCE_1S, LatencyPhase.AT_LEAST_ONCE),
                io.onlinelstm.demo.TemporaryFolder.systemTemp());
        List<Map<String, Object>> lines = new LatencyBenchmark(settings).run(line -> System.out.println("LATENCY " + line));

        List<Object> phases = lines.stream().map(l -> l.get("phase")).toList();
        assertEquals(List.of("warm-up", "search", "search", "sustained", "settle", "measure", "measure"), phases);
        long sustained = ((Number) lines.get(3).get("sustained_rate")).longValue();
        assertTrue(sustained > 0, lines.get(3).toString());
        long half = Math.round(RateSearch.round(sustained / 2.0));
        assertEquals(half, lines.get(4).get("rate"), "the settling trial runs at the phases' rate: " + lines.get(4));
        for (Map<String, Object> line : lines.subList(5, 7)) {
            assertEquals(half, line.get("rate"), line.toString());
            assertEquals(0L, line.get("missing"), line.toString());
        }
        // Only the phases asked for, in the order asked.
        assertEquals(List.of("exactly-once", "at-least-once"), lines.subList(5, 7).stream().map(l -> l.get("mode")).toList());
        assertEquals(List.of(1_000L, 2_000L), lines.subList(5, 7).stream().map(l -> l.get("checkpoint_interval_ms")).toList());
    }
}
