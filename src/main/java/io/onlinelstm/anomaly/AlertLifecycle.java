package io.onlinelstm.anomaly;

import io.onlinelstm.state.AnomalyState;

/**
 * When a series' alert opens and clears, the one rule the job and the alert-volume check share: the
 * first anomalous reading of a series with no open alert opens one; anomalous readings keep it
 * open; a reading after the quiet period (event time) without an anomalous one clears it.
 */
public final class AlertLifecycle {

    /** What a reading does to the series' alert. */
    public enum Transition { NONE, RAISED, CLEARED }

    private AlertLifecycle() {}

    /** Moves the series' alert on by one scored reading at {@code ts}. */
    public static Transition next(AnomalyState s, long ts, boolean anomalous, long quietMillis) {
        if (anomalous) {
            boolean open = s.openSinceTs != Long.MIN_VALUE;
            s.openSinceTs = ts;
            if (open) {
                return Transition.NONE;
            }
            s.lastAlertTs = ts;
            return Transition.RAISED;
        }
        if (s.openSinceTs != Long.MIN_VALUE && ts - s.openSinceTs >= quietMillis) {
            s.openSinceTs = Long.MIN_VALUE;
            return Transition.CLEARED;
        }
        return Transition.NONE;
    }
}
