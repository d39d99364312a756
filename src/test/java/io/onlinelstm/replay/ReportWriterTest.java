package io.onlinelstm.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

    @Test
    void theErrorAxisFollowsTheBulkOfTheValuesNotTheirPeak() {
        List<Double> values = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            values.add((double) i);
        }
        values.set(99, 1e6); // one outage
        assertEquals(1.25 * 98, ReportWriter.axisTop(values), 1e-9);
        assertEquals(0, ReportWriter.axisTop(List.of()));
    }
}
