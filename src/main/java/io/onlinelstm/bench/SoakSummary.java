package io.onlinelstm.bench;

import io.onlinelstm.bench.SoakBenchmark.CheckpointSample;
import io.onlinelstm.bench.SoakBenchmark.MemorySample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * What a soak shows, after a warm-up: per TaskManager the resident memory and the heap floor (the
 * lowest heap use of each minute, i.e. what survives garbage collection) at the start and end and
 * their trend in MB per minute, and checkpoint durations early and late.
 */
public final class SoakSummary {

    private SoakSummary() {}

    public static List<String> lines(SoakBenchmark.Result result, long warmupSeconds) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "readings sent %,d, forecasts committed %,d, restarts %d, job %s",
                result.readingsSent(), result.forecastsCommitted(), result.restarts(), result.finalStatus()));
        if (result.forecastsWritten() != result.forecastsCommitted()) {
            lines.add(String.format(Locale.ROOT, "forecasts written %,d (read_uncommitted: open or aborted transactions hold %,d)",
                    result.forecastsWritten(), result.forecastsWritten() - result.forecastsCommitted()));
        }
        result.checkpointFailures().forEach(f -> lines.add("failed checkpoint " + f));
        Map<String, List<MemorySample>> byTaskManager = new TreeMap<>();
        for (MemorySample m : result.memory()) {
            if (m.second() >= warmupSeconds) {
                byTaskManager.computeIfAbsent(m.taskManager(), k -> new ArrayList<>()).add(m);
            }
        }
        for (Map.Entry<String, List<MemorySample>> e : byTaskManager.entrySet()) {
            List<MemorySample> s = e.getValue();
            List<MemorySample> floors = minutelyHeapFloors(s);
            lines.add(String.format(Locale.ROOT,
                    "%s resident %.0f -> %.0f MB (trend %+.2f MB/min); heap floor %.0f -> %.0f MB (trend %+.2f MB/min); direct %.0f -> %.0f MB",
                    e.getKey(), s.get(0).residentMb(), s.get(s.size() - 1).residentMb(), slopePerMinute(s, MemorySample::residentMb),
                    floors.get(0).heapUsedMb(), floors.get(floors.size() - 1).heapUsedMb(),
                    slopePerMinute(floors, MemorySample::heapUsedMb), s.get(0).directMb(), s.get(s.size() - 1).directMb()));
        }
        List<CheckpointSample> late = result.checkpoints().stream().filter(c -> c.second() >= warmupSeconds).toList();
        if (late.size() >= 3) {
            int third = late.size() / 3;
            lines.add(String.format(Locale.ROOT,
                    "checkpoints %d completed, %d failed; duration median first third %d ms, last third %d ms, max %d ms; size %.1f -> %.1f MB",
                    result.completedCheckpoints(), result.failedCheckpoints(), median(late.subList(0, third)),
                    median(late.subList(late.size() - third, late.size())),
                    late.stream().mapToLong(CheckpointSample::durationMillis).max().orElse(0),
                    late.get(0).sizeBytes() / 1048576.0, late.get(late.size() - 1).sizeBytes() / 1048576.0));
        } else {
            lines.add("checkpoints " + result.completedCheckpoints() + " completed, " + result.failedCheckpoints()
                    + " failed (too few after the warm-up for a trend)");
        }
        return lines;
    }

    /** Least-squares slope of the value over time, in units per minute. */
    static double slopePerMinute(List<MemorySample> samples, ToDoubleFunction<MemorySample> value) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double mt = samples.stream().mapToDouble(MemorySample::second).average().orElse(0);
        double mv = samples.stream().mapToDouble(value).average().orElse(0);
        double cov = 0;
        double var = 0;
        for (MemorySample s : samples) {
            cov += (s.second() - mt) * (value.applyAsDouble(s) - mv);
            var += (s.second() - mt) * (s.second() - mt);
        }
        return var == 0 ? 0 : 60 * cov / var;
    }

    /** The sample with the lowest heap use in each minute. */
    static List<MemorySample> minutelyHeapFloors(List<MemorySample> samples) {
        Map<Long, MemorySample> floors = new TreeMap<>();
        for (MemorySample s : samples) {
            floors.merge(s.second() / 60, s, (a, b) -> a.heapUsedMb() <= b.heapUsedMb() ? a : b);
        }
        return new ArrayList<>(floors.values());
    }

    private static long median(List<CheckpointSample> checkpoints) {
        long[] d = checkpoints.stream().mapToLong(CheckpointSample::durationMillis).toArray();
        Arrays.sort(d);
        return d.length == 0 ? 0 : d[d.length / 2];
    }
}
