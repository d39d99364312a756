package io.onlinelstm.anomaly;

import io.onlinelstm.state.AnomalyState;

/**
 * When a series' alert opens and clears, the one rule the job and the alert-volume check share: the
 * first reported anomalous reading of a series with no open alert opens one; readings that are
 * anomalous before the detector's filters keep it open (the filters report an event once, but its
 * later readings are still the event); a reading after the quiet period (event time) without one
 * clears it.
 */
public final class AlertLifecycle {

    /** What a reading does to the series' alert. */
    public enum Transition { NONE, RAISED, CLEARED }

    private AlertLifecycle() {}

    /**
     * Moves the series' alert on by one scored reading at {@code ts}.
     *
     * @param reported the reading's reported score is over the threshold
     * @param ongoing its score before the detector's filters is (true whenever {@code reported} is)
     */
    public static Transition next(AnomalyState s, long ts, boolean reported, boolean ongoing, long quietMillis) {
        boolean open = s.openSinceTs != Long.MIN_VALUE;
        if (open && (ongoing || reported)) {
            s.openSinceTs = ts;
            return Transition.NONE;
        }
        if (reported) {
            s.openSinceTs = ts;
            s.lastAlertTs = ts;
            return Transition.RAISED;
        }
        if (open && ts - s.openSinceTs >= quietMillis) {
            s.openSinceTs = Long.MIN_VALUE;
            return Transition.CLEARED;
        }
        return Transition.NONE;
    }
}
