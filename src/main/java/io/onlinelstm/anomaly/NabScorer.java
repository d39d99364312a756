package io.onlinelstm.anomaly;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Numenta Anomaly Benchmark (NAB v1.1) score of a detector over labelled files, re-implemented
 * from NAB's sweeper: every row is scored as if it were a detection (scaled sigmoid credit inside
 * a window, decreasing towards its right edge; a penalty after a window that grows with the
 * distance from it; a flat penalty before any window), rows in the probationary period (the first
 * 15 % of a file, at most 750 rows) are ignored, only the earliest detection in a window counts, a
 * missed window costs the false-negative weight, one threshold is chosen per profile to maximise
 * the corpus total, and the total is normalised to 100 for the perfect detector and 0 for the
 * null detector.
 */
public final class NabScorer {

    /** One of NAB's application profiles. */
    public record Profile(String name, double tpWeight, double fpWeight, double fnWeight) {}

    public static final Profile STANDARD = new Profile("standard", 1.0, 0.11, 1.0);
    public static final Profile LOW_FP = new Profile("low_fp", 1.0, 0.22, 1.0);
    public static final Profile LOW_FN = new Profile("low_fn", 1.0, 0.11, 2.0);
    public static final List<Profile> PROFILES = List.of(STANDARD, LOW_FP, LOW_FN);

    /** A scored file: per row its anomaly score, and its labelled windows as inclusive row ranges. */
    public record LabelledFile(String name, double[] scores, List<int[]> windows) {}

    /** The score of one profile: normalised, raw, and the threshold that maximised it. */
    public record ProfileScore(double score, double raw, double threshold) {}

    /** Window-level precision and recall at a fixed threshold. */
    public record Detection(long windowsDetected, long windows, long falsePositives, double precision, double recall,
                            double f1) {}

    private NabScorer() {}

    static double scaledSigmoid(double position) {
        if (position > 3.0) {
            return -1.0;
        }
        return 2 / (1 + Math.exp(5 * position)) - 1.0;
    }

    static double probationaryLength(int rows) {
        return Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
    }

    /** One scorable row: its anomaly score, its sweep score, and its window (-1: outside any window). */
    private record Row(double anomalyScore, double sweepScore, int window) {}

    public static ProfileScore score(List<LabelledFile> files, Profile profile) {
        List<Row> rows = new ArrayList<>();
        int windows = 0;
        int windowIds = 0;
        List<Integer> scorableWindows = new ArrayList<>();
        for (LabelledFile f : files) {
            windows += f.windows().size();
            windowIds = sweep(f, profile, rows, windowIds, scorableWindows);
        }
        rows.sort(Comparator.comparingDouble(Row::anomalyScore).reversed());
        // Every window starts as a miss; a detected window keeps the credit of its earliest detection.
        Map<Integer, Double> parts = new LinkedHashMap<>();
        for (int w : scorableWindows) {
            parts.put(w, -profile.fnWeight());
        }
        double fp = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        double bestThreshold = 1.1;
        double threshold = 1.1;
        for (Row row : rows) {
            if (row.anomalyScore() != threshold) {
                double total = fp + parts.values().stream().mapToDouble(Double::doubleValue).sum();
                if (total > bestScore) {
                    bestScore = total;
                    bestThreshold = threshold;
                }
                threshold = row.anomalyScore();
            }
            if (row.window() < 0) {
                fp += row.sweepScore();
            } else {
                parts.merge(row.window(), row.sweepScore(), Math::max);
            }
        }
        double total = fp + parts.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total > bestScore) {
            bestScore = total;
            bestThreshold = threshold;
        }
        double nullScore = -profile.fnWeight() * windows;
        double perfect = profile.tpWeight() * windows;
        double normalised = windows == 0 ? Double.NaN : 100 * (bestScore - nullScore) / (perfect - nullScore);
        return new ProfileScore(normalised, bestScore, bestThreshold);
    }

    /** Adds the file's scorable rows; returns the next free window id. */
    private static int sweep(LabelledFile f, Profile profile, List<Row> out, int firstWindowId, List<Integer> scorableWindows) {
        double maxTp = scaledSigmoid(-1.0);
        double probation = probationaryLength(f.scores().length);
        int next = 0;
        int current = -1;
        int currentRight = -1;
        double currentWidth = 0;
        int previousRight = -1;
        double previousWidth = 0;
        for (int i = 0; i < f.scores().length; i++) {
            if (current < 0 && next < f.windows().size() && i == f.windows().get(next)[0]) {
                current = firstWindowId + next;
                currentRight = f.windows().get(next)[1];
                currentWidth = currentRight - f.windows().get(next)[0] + 1;
                next++;
            }
            double sweep;
            if (current >= 0) {
                sweep = scaledSigmoid(-(currentRight - i + 1) / currentWidth) * profile.tpWeight() / maxTp;
            } else if (previousRight < 0) {
                sweep = -1.0 * profile.fpWeight();
            } else {
                // A one-row window has no width to scale by: treat every later row as far behind it.
                double position = previousWidth > 1 ? Math.abs(previousRight - i) / (previousWidth - 1) : 4.0;
                sweep = scaledSigmoid(position) * profile.fpWeight();
            }
            if (i >= probation) {
                out.add(new Row(f.scores()[i], sweep, current));
                if (current >= 0 && !scorableWindows.contains(current)) {
                    scorableWindows.add(current);
                }
            }
            if (current >= 0 && i == currentRight) {
                previousRight = currentRight;
                previousWidth = currentWidth;
                current = -1;
            }
        }
        return firstWindowId + f.windows().size();
    }

    /** Window-level detection figures at {@code threshold}, outside the probationary period. */
    public static Detection detection(List<LabelledFile> files, double threshold) {
        long detected = 0;
        long windows = 0;
        long falsePositives = 0;
        for (LabelledFile f : files) {
            double probation = probationaryLength(f.scores().length);
            boolean[] inWindow = new boolean[f.scores().length];
            for (int[] w : f.windows()) {
                windows++;
                boolean hit = false;
                for (int i = w[0]; i <= w[1]; i++) {
                    inWindow[i] = true;
                    hit |= i >= probation && f.scores()[i] >= threshold;
                }
                if (hit) {
                    detected++;
                }
            }
            for (int i = 0; i < f.scores().length; i++) {
                if (i >= probation && !inWindow[i] && f.scores()[i] >= threshold) {
                    falsePositives++;
                }
            }
        }
        double precision = detected + falsePositives == 0 ? 0 : (double) detected / (detected + falsePositives);
        double recall = windows == 0 ? 0 : (double) detected / windows;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new Detection(detected, windows, falsePositives, precision, recall, f1);
    }
}
