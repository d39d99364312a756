package io.onlinelstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.bench.SoakBenchmark.CheckpointSample;
import io.onlinelstm.bench.SoakBenchmark.MemorySample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakSummaryTest {

    private static List<MemorySample> samples(double residentPerSample, double heapBase) {
        List<MemorySample> s = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // The heap saws up and down within each minute; its floor is heapBase + i/6.
            double heap = heapBase + (i / 6) + (i % 6) * 50;
            s.add(new MemorySample(i * 10L, "tm-1", 1000 + residentPerSample * i, heap, 1024, 8));
        }
        return s;
    }

    @Test
    void trendsAreInMegabytesPerMinuteAndTheHeapTrendFollowsItsFloor() {
        assertEquals(0.0, SoakSummary.slopePerMinute(samples(0, 200), MemorySample::residentMb), 1e-9);
        // 1 MB every 10 s sample is 6 MB per minute.
        assertEquals(6.0, SoakSummary.slopePerMinute(samples(1, 200), MemorySample::residentMb), 1e-9);
        List<MemorySample> floors = SoakSummary.minutelyHeapFloors(samples(0, 200));
        assertEquals(5, floors.size());
        assertEquals(List.of(200.0, 201.0, 202.0, 203.0, 204.0), floors.stream().map(MemorySample::heapUsedMb).toList());
        assertEquals(1.0, SoakSummary.slopePerMinute(floors, MemorySample::heapUsedMb), 1e-9);
    }

    @Test
    void theSummaryLeavesTheWarmUpOutAndComparesEarlyAndLateCheckpoints() {
        List<CheckpointSample> checkpoints = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            checkpoints.add(new CheckpointSample(i + 1, i * 10L, i < 6 ? 5_000 : 100 + i, 1_048_576));
        }
        SoakBenchmark.Result result = new SoakBenchmark.Result("job", "RUNNING", 1000, 1000, 1000, 0, 30, 0,
                samples(0, 200), checkpoints, List.of());
        List<String> lines = SoakSummary.lines(result, 60);
        assertTrue(lines.get(0).contains("readings sent 1,000, forecasts committed 1,000, restarts 0"), lines.get(0));
        assertTrue(lines.get(1).startsWith("tm-1 resident 1000 -> 1000 MB (trend +0.00 MB/min)"), lines.get(1));
        // The slow checkpoints of the first minute are warm-up; 24 remain, a third is 8 of them.
        assertTrue(lines.get(2).contains("median first third 110 ms, last third 126 ms, max 129 ms"), lines.get(2));
    }
}
