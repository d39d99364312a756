package io.onlinelstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a trial's lag counts as bounded. */
class LagSamplesTest {

    @Test
    void aLagThatSettlesIsBoundedEvenWithSpikes() {
        LagSamples lag = new LagSamples();
        for (int s = 1; s <= 60; s++) {
            // start-up backlog drained by 20 s, then a few hundred readings in flight, a spike at the very end
            long inFlight = s < 20 ? 20_000 - 1_000L * s : 500;
            lag.add(s, s == 60 ? 30_000 : inFlight);
        }
        assertEquals(5_000, lag.early(60));
        assertEquals(500, lag.late(60));
        assertTrue(lag.bounded(60, 10_000));
    }

    @Test
    void aLagThatGrowsByMoreThanOneSecondOfInputIsNot() {
        LagSamples lag = new LagSamples();
        for (int s = 1; s <= 60; s++) {
            lag.add(s, 300L * s); // 3 % behind a rate of 10,000/s
        }
        assertEquals(3_300, lag.early(60));
        assertEquals(16_800, lag.late(60));
        assertFalse(lag.bounded(60, 10_000));
    }

    @Test
    void shortTrialsTakeTheirFirstQuarter() {
        LagSamples lag = new LagSamples();
        for (int s = 1; s <= 20; s++) {
            lag.add(s, 100);
        }
        assertEquals(100, lag.early(20));
        assertTrue(lag.bounded(20, 1_000));
        assertFalse(new LagSamples().bounded(20, 1_000));
        LagSamples slightlyNegative = new LagSamples();
        for (int s = 1; s <= 20; s++) {
            slightlyNegative.add(s, -8); // transaction markers counted as written records
        }
        assertTrue(slightlyNegative.bounded(20, 1_000));
    }
}
