package io.onlinelstm.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.state.AnomalyState;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResidualScorerTest {

    @Test
    void normalCdfMatchesKnownValues() {
        assertEquals(0.5, ResidualScorer.normalCdf(0), 1e-7);
        assertEquals(0.975002, ResidualScorer.normalCdf(1.96), 1e-6);
        assertEquals(0.158655, ResidualScorer.normalCdf(-1), 1e-6);
        assertEquals(0.99996833, ResidualScorer.normalCdf(4), 1e-7);
    }

    @Test
    void scoreIsZeroDuringWarmUpThenNearOneHalfForUsualErrorsAndNearOneForAJump() {
        ResidualScorer scorer = new ResidualScorer(new AnomalySettings(0.9999, 100, 500, 5, Duration.ZERO));
        AnomalyState state = new AnomalyState();
        Random random = new Random(1);
        for (int i = 0; i < 100; i++) {
            assertEquals(0.0, scorer.score(state, Math.abs(random.nextGaussian())), "warm-up reading " + i);
        }
        double sum = 0;
        for (int i = 0; i < 1_000; i++) {
            sum += scorer.score(state, Math.abs(random.nextGaussian()));
        }
        double mean = sum / 1_000;
        assertTrue(mean > 0.3 && mean < 0.7, "usual errors should score around one half, mean " + mean);
        double jump = scorer.score(state, 40);
        assertTrue(jump > 0.9999, "an error 40 times the usual should be anomalous: " + jump);
    }
}
