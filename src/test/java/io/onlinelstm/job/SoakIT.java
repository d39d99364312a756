package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.bench.SoakBenchmark;
import io.onlinelstm.bench.SoakSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short soak CI runs: the job with its default options (asynchronous training included) on the
 * local cluster at a steady rate for 90 seconds. No restart, no failed checkpoint, one committed
 * forecast per reading, and memory samples from both TaskManagers. The long soak and its memory and
 * checkpoint trends are {@code bin/online-lstm bench soak} (docs/benchmarks.md); trends are not
 * asserted here, where 90 seconds on a shared machine would make them noise.
 */
class SoakIT {

    @Test
    void aShortSoakRunsWithoutRestartsOrFailedCheckpointsAndLosesNothing() throws Exception {
        // Under target/, not a temporary folder: the processes' logs stay for a look after a failure.
        Path state = Path.of("target", "soak-it", "cluster-" + System.currentTimeMillis()).toAbsolutePath();
        SoakBenchmark.Result result = new SoakBenchmark(new SoakBenchmark.Settings(Path.of("").toAbsolutePath(), state,
                19096, 2, Duration.ofSeconds(90), Duration.ofSeconds(10), 2_000, 500,
                List.of("--job.parallelism", "2", "--checkpoint.interval", "5 s"))).run(System.out);
        SoakSummary.lines(result, 30).forEach(line -> System.out.println("SOAK " + line));

        assertEquals("RUNNING", result.finalStatus());
        assertEquals(0, result.restarts(), "restarts");
        assertEquals(0, result.failedCheckpoints(), "failed checkpoints: " + result.checkpointFailures());
        assertTrue(result.completedCheckpoints() >= 5, "checkpoints completed: " + result.completedCheckpoints());
        assertTrue(result.readingsSent() > 100_000, "readings sent: " + result.readingsSent());
        assertEquals(result.readingsSent(), result.forecastsCommitted(), "one committed forecast per reading");
        assertTrue(result.memory().size() >= 2 * 6, "memory samples from both TaskManagers: " + result.memory().size());
        assertEquals(java.util.Set.of("tm-1", "tm-2"),
                result.memory().stream().map(SoakBenchmark.MemorySample::taskManager).collect(java.util.stream.Collectors.toSet()));
        for (SoakBenchmark.MemorySample m : result.memory()) {
            assertTrue(m.residentMb() > 0 && m.heapUsedMb() > 0 && m.heapCommittedMb() >= m.heapUsedMb(), m.toString());
        }
    }
}
