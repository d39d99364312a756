package io.onlinelstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The search's arithmetic, against a job whose capacity is known. */
class RateSearchTest {

    @Test
    void stepsUpThenNarrowsTheGapBelowTheCapacity() throws Exception {
        RateSearch search = new RateSearch(40_000, 1.5, 1.1, 10, 100);
        double found = search.run(rate -> rate <= 71_000);
        assertTrue(found <= 71_000 && found * 1.1 >= 71_000 * 0.99, "found " + found + " in " + search.steps());
        assertEquals(40_000, search.steps().get(0).rate());
        assertEquals(60_000, search.steps().get(1).rate());
    }

    @Test
    void theBenchmarksSearchEndsWithinFourPercentInItsDefaultTrials() throws Exception {
        // From the default first estimate (40,000/s) and within the default 7 trials.
        for (int capacity : new int[] {71_000, 88_000, 52_000, 120_000}) {
            RateSearch search = new RateSearch(40_000, LatencyBenchmark.SEARCH_FACTOR, LatencyBenchmark.SEARCH_PRECISION, 7, 100);
            double found = search.run(rate -> rate <= capacity);
            assertTrue(found <= capacity && found * 1.04 >= capacity * 0.99, capacity + ": found " + found + " in " + search.steps());
        }
    }

    @Test
    void stepsDownWhenTheEstimateIsTooHigh() throws Exception {
        RateSearch search = new RateSearch(40_000, 1.5, 1.1, 10, 100);
        double found = search.run(rate -> rate <= 9_000);
        assertTrue(found <= 9_000 && found * 1.1 >= 9_000 * 0.99, "found " + found + " in " + search.steps());
    }

    @Test
    void stopsAfterItsTrialsAndAtTheFloor() throws Exception {
        RateSearch capped = new RateSearch(1_000, 2, 1.01, 3, 1);
        capped.run(rate -> true);
        assertEquals(3, capped.steps().size());
        RateSearch hopeless = new RateSearch(1_000, 2, 1.01, 100, 100);
        assertEquals(0, hopeless.run(rate -> false));
        assertEquals(4, hopeless.steps().size(), hopeless.steps().toString());
    }

    @Test
    void roundsToThreeFigures() {
        assertEquals(49_000, RateSearch.round(48_989.9), 1e-6);
        assertEquals(48_900, RateSearch.round(48_910), 1e-6);
        assertEquals(123, RateSearch.round(123.4), 1e-6);
    }
}
