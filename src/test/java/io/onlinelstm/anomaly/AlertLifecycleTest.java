package io.onlinelstm.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onlinelstm.anomaly.AlertLifecycle.Transition;
import io.onlinelstm.state.AnomalyState;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {

    private static final long QUIET = 60_000;

    @Test
    void onlyAReportedReadingOpensAnAlert() {
        AnomalyState s = new AnomalyState();
        assertEquals(Transition.NONE, AlertLifecycle.next(s, 0, false, true, QUIET), "an unreported reading opens nothing");
        assertEquals(Transition.RAISED, AlertLifecycle.next(s, 1_000, true, true, QUIET));
        assertEquals(1_000, s.lastAlertTs);
    }

    @Test
    void readingsOfTheEventKeepTheAlertOpenThoughTheFiltersDoNotReportThem() {
        AnomalyState s = new AnomalyState();
        assertEquals(Transition.RAISED, AlertLifecycle.next(s, 0, true, true, QUIET));
        // Three quiet periods of an ongoing event whose readings the detector's filters lowered.
        for (long ts = 10_000; ts <= 3 * QUIET; ts += 10_000) {
            assertEquals(Transition.NONE, AlertLifecycle.next(s, ts, false, true, QUIET), "at " + ts);
        }
        long end = 3 * QUIET;
        assertEquals(Transition.NONE, AlertLifecycle.next(s, end + QUIET - 1, false, false, QUIET), "not quiet long enough");
        assertEquals(Transition.CLEARED, AlertLifecycle.next(s, end + QUIET, false, false, QUIET));
        assertEquals(Transition.NONE, AlertLifecycle.next(s, end + 2 * QUIET, false, true, QUIET),
                "after clearing, only a reported reading opens a new alert");
        assertEquals(Transition.RAISED, AlertLifecycle.next(s, end + 3 * QUIET, true, true, QUIET));
    }

    @Test
    void aReportedReadingOfAnOpenAlertIsNotRaisedAgain() {
        AnomalyState s = new AnomalyState();
        AlertLifecycle.next(s, 0, true, true, QUIET);
        assertEquals(Transition.NONE, AlertLifecycle.next(s, 1_000, true, true, QUIET));
        assertEquals(0, s.lastAlertTs);
    }
}
