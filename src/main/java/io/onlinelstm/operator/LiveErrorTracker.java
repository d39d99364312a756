package io.onlinelstm.operator;

import io.onlinelstm.training.LiveErrorReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums the live absolute error per model version and hands out reports every {@code reportEvery}
 * scored forecasts, for the trainer's optional rollback.
 */
final class LiveErrorTracker {

    private final int reportEvery;
    private final Map<Long, double[]> sums = new HashMap<>();
    private long sinceReport;

    LiveErrorTracker(int reportEvery) {
        this.reportEvery = reportEvery;
    }

    /** Adds one scored forecast; returns the reports due now (usually none). */
    List<LiveErrorReport> add(long version, double absError) {
        double[] acc = sums.computeIfAbsent(version, v -> new double[2]);
        acc[0] += absError;
        acc[1]++;
        if (++sinceReport < reportEvery) {
            return List.of();
        }
        List<LiveErrorReport> reports = new ArrayList<>(sums.size());
        sums.forEach((v, a) -> reports.add(new LiveErrorReport(v, a[0], (long) a[1])));
        sums.clear();
        sinceReport = 0;
        return reports;
    }
}
