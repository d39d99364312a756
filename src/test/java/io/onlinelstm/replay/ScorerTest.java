package io.onlinelstm.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer on a file small enough to check by hand. Series a: 1, 2, 4, 3, 5; series b: 10, 12,
 * 11, 15, 14; scored rows 1..4. The model's forecast after row r is a[r] + 1 and b[r] + 2.
 *
 * <pre>
 * persistence errors: a -1 -2  1 -2 (sq 10, abs 6)   b -2  1 -4  1 (sq 22, abs 8)
 * seasonal (2) errors: a -1 -3 -1 -1 (sq 12, abs 6)   b -2 -1 -3 -3 (sq 23, abs 9)   row 1 falls back to persistence
 * model errors:        a  0 -1  2 -1 (sq  6, abs 4)   b  0  3 -2  3 (sq 22, abs 8)
 * fit rows 0..4: a mean 3, variance 2; b mean 12.4, variance 3.44
 * </pre>
 */
class ScorerTest {

    private static final String WIDE = "time,a,b\n"
            + "2024-01-01 00:00:00,1,10\n2024-01-01 01:00:00,2,12\n2024-01-01 02:00:00,4,11\n"
            + "2024-01-01 03:00:00,3,15\n2024-01-01 04:00:00,5,14\n";

    private static final String LONG = "time,key,value\n"
            + "2024-01-01T00:00:00Z,a,1\n2024-01-01T00:00:00Z,b,10\n2024-01-01T01:00:00Z,b,12\n2024-01-01T01:00:00Z,a,2\n"
            + "2024-01-01T02:00:00Z,a,4\n2024-01-01T02:00:00Z,b,11\n2024-01-01T03:00:00Z,a,3\n2024-01-01T03:00:00Z,b,15\n"
            + "2024-01-01T04:00:00Z,a,5\n2024-01-01T04:00:00Z,b,14\n";

    private static final ScoreSettings ORIGINAL = new ScoreSettings(1, 5, false, 0, 5, 2, 1, 1.0);
    private static final ScoreSettings ZSCORE = new ScoreSettings(1, 5, true, 0, 5, 2, 1, 1.0);

    @Test
    void wideFileOriginalScale(@TempDir Path dir) throws Exception {
        Scorer.Result r = score(dir, WIDE, HistoryFormat.Layout.WIDE, ORIGINAL);
        assertEquals(4, r.rows());
        assertEquals(8, r.overall().get("model").count());
        assertEquals(28.0 / 8, r.overall().get("model").mse(), 1e-12);
        assertEquals(12.0 / 8, r.overall().get("model").mae(), 1e-12);
        assertEquals(32.0 / 8, r.overall().get("persistence").mse(), 1e-12);
        assertEquals(14.0 / 8, r.overall().get("persistence").mae(), 1e-12);
        assertEquals(2.0, r.overall().get("persistence").rmse(), 1e-12);
        assertEquals(35.0 / 8, r.overall().get("seasonal").mse(), 1e-12);
        assertEquals(15.0 / 8, r.overall().get("seasonal").mae(), 1e-12);
        assertEquals(10.0 / 4, r.perSeries().get("a").get("persistence").mse(), 1e-12);
        assertEquals(22.0 / 4, r.perSeries().get("b").get("model").mse(), 1e-12);
    }

    @Test
    void wideFileZScores(@TempDir Path dir) throws Exception {
        Scorer.Result r = score(dir, WIDE, HistoryFormat.Layout.WIDE, ZSCORE);
        assertEquals((10.0 / 2 + 22.0 / 3.44) / 8, r.overall().get("persistence").mse(), 1e-12);
        assertEquals((6.0 / 2 + 22.0 / 3.44) / 8, r.overall().get("model").mse(), 1e-12);
        assertEquals((6 / Math.sqrt(2) + 9 / Math.sqrt(3.44)) / 8, r.overall().get("seasonal").mae(), 1e-12);
    }

    @Test
    void longFileGivesTheSameFigures(@TempDir Path dir) throws Exception {
        for (ScoreSettings s : new ScoreSettings[] {ORIGINAL, ZSCORE}) {
            Scorer.Result wide = score(dir, WIDE, HistoryFormat.Layout.WIDE, s);
            Scorer.Result longer = score(dir, LONG, HistoryFormat.Layout.LONG, s);
            for (String m : Scorer.METHODS) {
                assertEquals(wide.overall().get(m).mse(), longer.overall().get(m).mse(), 1e-12, m);
                assertEquals(wide.overall().get(m).mae(), longer.overall().get(m).mae(), 1e-12, m);
            }
        }
    }

    @Test
    void missingCellsAreNeitherScoredNorUsed(@TempDir Path dir) throws Exception {
        String withGap = WIDE.replace("2024-01-01 02:00:00,4,11", "2024-01-01 02:00:00,oops,11");
        Path file = dir.resolve("gap.csv");
        Files.writeString(file, withGap);
        HistoryFile h = HistoryFile.read(file, format(HistoryFormat.Layout.WIDE));
        assertEquals(1, h.badCells().size());
        assertEquals(4, h.badCells().get(0).line());
        Scorer.Result r = Scorer.score(h, modelForecasts(h), ORIGINAL);
        // a scores rows 1, 3, 4 only; row 3's persistence is row 1's value 2: errors -1, -1, -2.
        assertEquals(3, r.perSeries().get("a").get("persistence").count());
        assertEquals(6.0 / 3, r.perSeries().get("a").get("persistence").mse(), 1e-12);
    }

    @Test
    void onlineLinearArLearnsANoiseFreeAutoregression() {
        // A pure sinusoid obeys x_t = 2 cos(w) x_{t-1} - x_{t-2}: after a warm-up the predictions are exact.
        RlsAutoRegression ar = new RlsAutoRegression(2, 1.0, 1e6, 0, 1);
        double c = 2 * Math.cos(0.3);
        double a = Math.sin(0.3);
        double b = 0;
        double worst = 0;
        for (int t = 0; t < 300; t++) {
            double next = c * a - b;
            if (t > 50) {
                worst = Math.max(worst, Math.abs(ar.predict() - next));
            }
            ar.observe(next);
            b = a;
            a = next;
        }
        assertEquals(0.0, worst, 1e-4);
    }

    /**
     * Horizon 2 on series a (1, 2, 4, 3, 5), scored rows 1..4: origins 0, 1 and 2 have both targets in
     * them (origin 3's second target, row 5, is past the file). The model forecasts a[o] + k at step k.
     *
     * <pre>
     * model:       o0  0 -1   o1 -1  1   o2  2  1   step 1 sq 5, step 2 sq 3
     * persistence: o0 -1 -3   o1 -2 -1   o2  1 -1   step 1 sq 6, step 2 sq 11
     * seasonal(2): o0 -1 -3   o1 -3 -1   o2 -1 -1   (row 1 of o0 falls back to persistence; every
     *              target takes the latest value two rows back that is not after the origin)
     * </pre>
     */
    @Test
    void horizonTwoScoresEveryStepOfForecastsWhoseTargetsLieInTheScoredRows(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("h2.csv");
        Files.writeString(file, WIDE);
        HistoryFile h = HistoryFile.read(file, format(HistoryFormat.Layout.WIDE));
        ForecastTable f = new ForecastTable(h.series().size(), h.rows(), 2);
        for (int s = 0; s < 2; s++) {
            for (int r = 0; r < h.rows(); r++) {
                for (int k = 1; k <= 2; k++) {
                    f.set(s, r, k, h.value(s, r) + k);
                }
            }
        }
        Scorer.Result r = Scorer.score(h, f, ORIGINAL, null);
        Scorer.Errors a = r.perSeries().get("a").get("model");
        assertEquals(6, a.count(), "three forecasts of two steps");
        assertEquals(8.0 / 6, a.mse(), 1e-12);
        assertEquals(6, r.forecasts(), "three forecasts per series");
        assertEquals(2, r.horizon());
        assertEquals(17.0 / 6, r.perSeries().get("a").get("persistence").mse(), 1e-12);
        assertEquals(22.0 / 6, r.perSeries().get("a").get("seasonal").mse(), 1e-12);
        // Per step over both series; b's model errors: o0 (11-12, 12-11), o1 (13-11, 14-15), o2 (12-15, 13-14).
        assertEquals((5.0 + 1 + 4 + 9) / 6, r.perStep().get(0).get("model").mse(), 1e-12);
        assertEquals((3.0 + 1 + 1 + 1) / 6, r.perStep().get(1).get("model").mse(), 1e-12);
        assertEquals((r.perStep().get(0).get("model").mse() + r.perStep().get(1).get("model").mse()) / 2,
                r.overall().get("model").mse(), 1e-12, "the overall figure is the mean over the steps");
        assertEquals(List.of(1, 2, 3, 4), r.scoredRows(), "every targeted row");
    }

    /**
     * Horizon 2 with a gap: a's row 2 is missing, so its present rows are 0, 1, 3, 4 and a forecast
     * targets the next two of them. Origins 0 (rows 1, 3) and 1 (rows 3, 4) are scored; origin 3 has
     * one target left. Persistence errors -1 -2, -1 -3; seasonal (2): -1 -2 (no row a whole number
     * of seasons back that is not after origin 0: persistence), -1 -4 (row 0 for row 4 from origin 1).
     */
    @Test
    void horizonTwoTargetsTheNextPresentRows(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gap2.csv");
        Files.writeString(file, WIDE.replace("2024-01-01 02:00:00,4,11", "2024-01-01 02:00:00,,11"));
        HistoryFile h = HistoryFile.read(file, format(HistoryFormat.Layout.WIDE));
        ForecastTable f = new ForecastTable(h.series().size(), h.rows(), 2);
        for (int s = 0; s < 2; s++) {
            for (int r = 0; r < h.rows(); r++) {
                f.set(s, r, 1, h.value(s, r));
                f.set(s, r, 2, h.value(s, r));
            }
        }
        Scorer.Result r = Scorer.score(h, f, ORIGINAL, null);
        assertEquals(4, r.perSeries().get("a").get("persistence").count());
        assertEquals(15.0 / 4, r.perSeries().get("a").get("persistence").mse(), 1e-12);
        assertEquals(22.0 / 4, r.perSeries().get("a").get("seasonal").mse(), 1e-12);
        assertEquals(15.0 / 4, r.perSeries().get("a").get("model").mse(), 1e-12, "the model here is persistence");
    }

    @Test
    void horizonOneThroughTheTableGivesTheOneStepFigures(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("h1.csv");
        Files.writeString(file, WIDE);
        HistoryFile h = HistoryFile.read(file, format(HistoryFormat.Layout.WIDE));
        Scorer.Result r = Scorer.score(h, ForecastTable.ofFirstSteps(modelForecasts(h)), ORIGINAL, null);
        assertEquals(28.0 / 8, r.overall().get("model").mse(), 1e-12);
        assertEquals(8, r.forecasts());
        assertEquals(1, r.horizon());
    }

    @Test
    void seasonalNaiveNeverUsesARowAfterTheOrigin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("season.csv");
        Files.writeString(file, WIDE);
        HistoryFile h = HistoryFile.read(file, format(HistoryFormat.Layout.WIDE));
        // Season 2, origin row 0: step 1 (row 1) and step 2 (row 2) reach back one season; step 3 (row 3)
        // one season back is row 1, after the origin, so it takes two seasons back, row -1: none.
        assertEquals(h.value(0, 0), Scorer.seasonalNaive(h, 0, 0, 2, 2), 0);
        assertTrue(Double.isNaN(Scorer.seasonalNaive(h, 0, 0, 3, 2)));
        assertEquals(h.value(0, 0), Scorer.seasonalNaive(h, 0, 1, 4, 2), 0, "row 4 from origin 1: two seasons back");
        assertEquals(h.value(0, 2), Scorer.seasonalNaive(h, 0, 2, 4, 2), 0, "row 4 from origin 2: one season back");
    }

    @Test
    void iteratedLinearArForecastsAPureSinusoidManyStepsAhead() {
        RlsAutoRegression ar = new RlsAutoRegression(2, 1.0, 1e6, 0, 1);
        double c = 2 * Math.cos(0.3);
        double[] x = new double[400];
        x[0] = 0;
        x[1] = Math.sin(0.3);
        for (int t = 2; t < x.length; t++) {
            x[t] = c * x[t - 1] - x[t - 2];
        }
        for (int t = 0; t < 300; t++) {
            ar.observe(x[t]);
        }
        double one = ar.predict();
        double[] ahead = ar.forecast(24);
        assertEquals(one, ahead[0], 0.0, "step 1 is the one-step prediction");
        for (int k = 0; k < 24; k++) {
            assertEquals(x[300 + k], ahead[k], 1e-3, "step " + (k + 1));
        }
        assertEquals(one, ar.predict(), 0.0, "forecasting leaves the model as it was");
    }

    static Scorer.Result score(Path dir, String content, HistoryFormat.Layout layout, ScoreSettings settings) throws Exception {
        Path file = dir.resolve(layout + ".csv");
        Files.writeString(file, content);
        HistoryFile h = HistoryFile.read(file, format(layout));
        return Scorer.score(h, modelForecasts(h), settings);
    }

    static HistoryFormat format(HistoryFormat.Layout layout) {
        return new HistoryFormat(layout, "time", "key", "value", "auto");
    }

    /** a[r] + 1 and b[r] + 2 after every present row. */
    private static double[][] modelForecasts(HistoryFile h) {
        double[][] f = new double[h.series().size()][h.rows()];
        for (int s = 0; s < f.length; s++) {
            double offset = h.series().get(s).equals("a") ? 1 : 2;
            for (int r = 0; r < h.rows(); r++) {
                f[s][r] = h.value(s, r) + offset;
            }
        }
        return f;
    }
}
