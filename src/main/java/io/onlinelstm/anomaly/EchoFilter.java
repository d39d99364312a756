package io.onlinelstm.anomaly;

import io.onlinelstm.state.AnomalyState;

/**
 * Keeps one event from firing on several readings through different parts: a spike's error enters
 * the residual's short-window average on the next reading, a value beyond the range moves the
 * season profile, and each part would report it again. A reading in the red zone ({@link
 * ErrorLikelihood#RED}) within {@code span} readings of an earlier red one is lowered to the yellow
 * zone unless it is stronger than every red score of that stretch, so the event is reported at its
 * start and again only as it grows; once the stretch has reached the alert threshold it is not
 * reported again at all, since its alert is already raised and growing further tells the user nothing
 * new. On NAB most of the remaining false positives after the likelihood's own filter were such
 * echoes (docs/benchmarks.md).
 */
final class EchoFilter {

    private EchoFilter() {}

    /**
     * The score to report for a reading whose best part gave {@code best}; folds it into the state.
     *
     * @param alert the alert threshold: a stretch that reached it is reported once
     */
    static AnomalyDetector.Score filter(AnomalyState s, AnomalyDetector.Score best, int span, double alert) {
        double raw = best.score();
        if (raw < ErrorLikelihood.RED) {
            if (s.echoAge < span) {
                s.echoAge++;
            }
            return best;
        }
        // The peak is kept as a float: compare the score as stored, so an equal score is always an echo.
        boolean echo = s.echoAge < span && ((float) raw <= s.echoPeak || s.echoPeak >= (float) alert);
        s.echoPeak = s.echoAge < span ? Math.max(s.echoPeak, (float) raw) : (float) raw;
        s.echoAge = 0;
        return echo ? new AnomalyDetector.Score(Math.min(raw, ErrorLikelihood.YELLOW), best.part()) : best;
    }
}
