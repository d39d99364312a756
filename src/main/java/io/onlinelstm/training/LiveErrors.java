package io.onlinelstm.training;

import java.util.HashMap;
import java.util.Map;

/**
 * Live absolute error per model version, summed over every forecaster's reports, and the rollback
 * rule: roll back when the newest version has made at least {@code minSamples} scored forecasts,
 * so has the one before it, and the newest one's mean absolute error is worse by more than the
 * margin.
 */
public final class LiveErrors {

    private final Map<Long, double[]> byVersion = new HashMap<>();

    public void add(LiveErrorReport report) {
        double[] acc = byVersion.computeIfAbsent(report.version, v -> new double[2]);
        acc[0] += report.sumAbsError;
        acc[1] += report.count;
    }

    public long count(long version) {
        double[] acc = byVersion.get(version);
        return acc == null ? 0 : (long) acc[1];
    }

    public double mae(long version) {
        double[] acc = byVersion.get(version);
        return acc == null || acc[1] == 0 ? Double.NaN : acc[0] / acc[1];
    }

    /** Whether {@code current} did worse than {@code previous} by more than {@code margin}. */
    public boolean worse(long current, long previous, double margin, long minSamples) {
        if (count(current) < minSamples || count(previous) < minSamples) {
            return false;
        }
        return mae(current) > mae(previous) * (1 + margin);
    }

    /** Forgets versions older than {@code oldest}, to keep the map small. */
    public void forgetBefore(long oldest) {
        byVersion.keySet().removeIf(v -> v < oldest);
    }
}
