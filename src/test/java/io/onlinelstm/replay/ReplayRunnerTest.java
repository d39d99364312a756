package io.onlinelstm.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.job.JobConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays of short synthetic files end to end, on a local Flink with inline training. */
class ReplayRunnerTest {

    private static final int ROWS = 300;
    private static final String[] SERIES = {"s1", "s2", "s3"};

    static String syntheticWide(long seed) {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder("time,s1,s2,s3\n");
        for (int r = 0; r < ROWS; r++) {
            sb.append(1_700_000_000_000L + r * 3_600_000L);
            for (int s = 0; s < SERIES.length; s++) {
                double v = 10 * (s + 1) + 3 * Math.sin(2 * Math.PI * (r + 5 * s) / 24) + 0.3 * random.nextGaussian();
                sb.append(',').append(String.format(java.util.Locale.ROOT, "%.4f", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static ReplayRunner.Settings settings(Path dir, Path file, String name, Path report) {
        JobConfig job = JobConfig.of(Map.of(
                "model.hidden-size", "8", "model.layers", "1", "forecaster.window", "12",
                "training.stride", "2", "training.min-windows", "64", "training.every-windows", "64",
                "training.holdout-windows", "16", "training.steps", "5", "training.batch-size", "16"));
        return new ReplayRunner.Settings(name, file, new HistoryFormat(HistoryFormat.Layout.WIDE, "time", "key", "value", "auto"),
                job, new ScoreSettings(100, ROWS, true, 0, 100, 24, 24, 0.999), dir.resolve(name + "-forecasts.csv"),
                dir.resolve(name + "-summary.json"), report, List.of("s2"), -1, 120, false, null);
    }

    private static Map<String, Object> run(ReplayRunner.Settings s, StringBuilder printed) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Map<String, Object> summary = ReplayRunner.run(s, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        printed.append(bytes.toString(StandardCharsets.UTF_8));
        return summary;
    }

    @Test
    void writesAForecastPerReadingAndBaselinesMatchAnIndependentComputation(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("synthetic.csv");
        Files.writeString(file, syntheticWide(1));
        StringBuilder out = new StringBuilder();
        Map<String, Object> summary = run(settings(dir, file, "synthetic", dir.resolve("report")), out);

        List<String> lines = Files.readAllLines(dir.resolve("synthetic-forecasts.csv"));
        assertEquals(ROWS * SERIES.length + 1, lines.size(), "a forecast for every reading");
        assertEquals("key,ts,value,forecast_1,model_version,anomaly_score", lines.get(0));

        // Persistence and seasonal naive on z-scores, computed here from the file alone.
        HistoryFile h = HistoryFile.read(file, ScorerTest.format(HistoryFormat.Layout.WIDE));
        double sqP = 0;
        double sqS = 0;
        int n = 0;
        for (int s = 0; s < SERIES.length; s++) {
            double mean = 0;
            for (int r = 0; r < 100; r++) {
                mean += h.value(s, r) / 100;
            }
            double var = 0;
            for (int r = 0; r < 100; r++) {
                var += (h.value(s, r) - mean) * (h.value(s, r) - mean) / 100;
            }
            for (int r = 100; r < ROWS; r++) {
                double eP = (h.value(s, r - 1) - h.value(s, r)) / Math.sqrt(var);
                double eS = (h.value(s, r - 24) - h.value(s, r)) / Math.sqrt(var);
                sqP += eP * eP;
                sqS += eS * eS;
                n++;
            }
        }
        assertEquals(200, ((Number) summary.get("rows")).intValue());
        assertEquals(600L, ((Number) summary.get("scored")).longValue());
        assertEquals(sqP / n, ((Number) summary.get("mse_persistence")).doubleValue(), 1e-5);
        assertEquals(sqS / n, ((Number) summary.get("mse_seasonal")).doubleValue(), 1e-5);
        assertTrue(Double.isFinite(((Number) summary.get("mse")).doubleValue()));
        assertTrue(Files.exists(dir.resolve("synthetic-summary.json")));
        assertTrue(out.toString().contains("{\"replay\":\"synthetic\",\"horizon\":1,\"rows\":200,\"keys\":3"), out.toString());

        // The report: PNGs that open, and an index that shows them with the table.
        for (String png : List.of("forecast_s2.png", "anomaly_s2.png", "rolling_error.png", "model_versions.png")) {
            BufferedImage image = ImageIO.read(dir.resolve("report").resolve(png).toFile());
            assertNotNull(image, png + " is not a readable PNG");
            assertEquals(1200, image.getWidth());
        }
        String index = Files.readString(dir.resolve("report").resolve("index.md"));
        assertTrue(index.contains("| persistence |") && index.contains("(rolling_error.png)") && index.contains("(forecast_s2.png)"));
        assertTrue(index.contains("(anomaly_s2.png)") && index.contains("Give `--windows FILE`"), index);
        assertTrue(!summary.containsKey("anomaly"), "no detection figures without labelled windows");
    }

    @Test
    void twoReplaysOfTheSameFileGiveIdenticalSummaries(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("same.csv");
        Files.writeString(file, syntheticWide(2));
        Map<String, Object> first = run(settings(dir, file, "first", null), new StringBuilder());
        Map<String, Object> second = run(settings(dir, file, "second", null), new StringBuilder());
        first.remove("replay");
        second.remove("replay");
        assertEquals(first, second);
        assertEquals(Files.readAllLines(dir.resolve("first-forecasts.csv")), Files.readAllLines(dir.resolve("second-forecasts.csv")));
    }

    /**
     * Horizon 24 end to end: a series that repeats a daily pattern (two harmonics of period 24, noise
     * of 1 % of its range) is forecast a day ahead by the network alone (combining off), level
     * target, trained online on windows of 24 targets: MSE over all 24 steps of every forecast whose
     * targets lie in the scored rows below 0.1 on z-scores (0.039 when written; replays are deterministic),
     * where persistence scores about 2.
     */
    @Test
    void aRepeatingPatternIsForecast24StepsAhead(@TempDir Path dir) throws Exception {
        int rows = 1_500;
        Random random = new Random(7);
        StringBuilder csv = new StringBuilder("time,p\n");
        for (int r = 0; r < rows; r++) {
            double v = 10 + 3 * Math.sin(2 * Math.PI * r / 24) + 1.5 * Math.sin(4 * Math.PI * r / 24 + 1)
                    + 0.1 * random.nextGaussian();
            csv.append(1_700_000_000_000L + r * 3_600_000L).append(',')
                    .append(String.format(java.util.Locale.ROOT, "%.4f", v)).append('\n');
        }
        Path file = dir.resolve("pattern.csv");
        Files.writeString(file, csv.toString());
        JobConfig job = JobConfig.of(Map.ofEntries(Map.entry("model.horizon", "24"),
                Map.entry("model.hidden-size", "32"), Map.entry("model.layers", "1"),
                Map.entry("forecaster.target", "level"), Map.entry("forecaster.combine", "false"),
                Map.entry("training.stride", "1"), Map.entry("training.min-windows", "256"),
                Map.entry("training.every-windows", "128"), Map.entry("training.holdout-windows", "64"),
                Map.entry("training.steps", "20"), Map.entry("training.learning-rate", "0.003")));
        ReplayRunner.Settings s = new ReplayRunner.Settings("pattern", file,
                new HistoryFormat(HistoryFormat.Layout.WIDE, "time", "key", "value", "auto"), job,
                new ScoreSettings(1_200, rows, true, 0, 500, 24, 24, 0.999), dir.resolve("pattern-forecasts.csv"),
                dir.resolve("pattern-summary.json"), dir.resolve("report"), List.of("p"), -1, 120, false, null);
        Map<String, Object> summary = run(s, new StringBuilder());

        String header = Files.readAllLines(dir.resolve("pattern-forecasts.csv")).get(0);
        assertTrue(header.contains(",forecast_24,model_version"), header);
        // Origins 1199 to 1475: the last whose 24 targets are all in the file.
        assertEquals(277L, ((Number) summary.get("scored")).longValue());
        double mse = ((Number) summary.get("mse")).doubleValue();
        double persistence = ((Number) summary.get("mse_persistence")).doubleValue();
        assertTrue(persistence > 1.5, "a day ahead, persistence is poor on this pattern: " + persistence);
        assertTrue(mse < 0.1, "the network forecasts the pattern 24 steps ahead: MSE " + mse + ", persistence " + persistence);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, List<Number>>> perStep = (Map<String, Map<String, List<Number>>>) summary.get("per_step");
        assertEquals(24, perStep.get("mse").get("model").size());
        assertEquals(24, perStep.get("mae").get("linear_ar").size());
        double mean = perStep.get("mse").get("model").stream().mapToDouble(Number::doubleValue).average().orElseThrow();
        assertEquals(mse, mean, 1e-5, "the overall MSE is the mean over the steps");
        String index = Files.readString(dir.resolve("report").resolve("index.md"));
        assertTrue(index.contains("| 24 | "), "the report has a row per step: " + index);
    }

    /** Another job's committed model, of the replay's architecture, in {@code store}. */
    private static void anotherJobsModel(Path store, JobConfig job) {
        io.onlinelstm.training.VersionedModel model = io.onlinelstm.training.VersionedModel.of(99,
                io.onlinelstm.model.WeightInitializer.initialize(job.with(Map.of("model.seed", "99")).model()));
        io.onlinelstm.io.ModelUpdate meta = new io.onlinelstm.io.ModelUpdate();
        io.onlinelstm.training.ModelStore models = new io.onlinelstm.training.ModelStore(store.toUri().toString());
        models.write(model, meta);
        assertTrue(models.commit(99, model.checksum(), 1));
    }

    @Test
    void aReplayGivesTheSameFiguresWhateverModelsAreOnTheMachine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hermetic.csv");
        Files.writeString(file, syntheticWide(5));
        String tmp = System.getProperty("java.io.tmpdir");
        Map<String, Object> clean;
        Map<String, Object> crowded;
        Path machine = Files.createDirectories(dir.resolve("machine-tmp"));
        try {
            // The default stores live under java.io.tmpdir: an empty one first, then one where other jobs left models.
            System.setProperty("java.io.tmpdir", Files.createDirectories(dir.resolve("empty-tmp")).toString());
            clean = run(settings(dir, file, "clean", null), new StringBuilder());
            System.setProperty("java.io.tmpdir", machine.toString());
            JobConfig job = settings(dir, file, "crowded", null).job();
            anotherJobsModel(Path.of(new java.net.URI(job.modelStore())), job);
            // The shared folder of earlier releases, too.
            anotherJobsModel(machine.resolve("online-lstm").resolve("models"), job);
            assertTrue(job.modelStore().startsWith(machine.toUri().toString()), job.modelStore());
            crowded = run(settings(dir, file, "crowded", null), new StringBuilder());
        } finally {
            System.setProperty("java.io.tmpdir", tmp);
        }
        clean.remove("replay");
        crowded.remove("replay");
        assertEquals(clean, crowded);
        assertEquals(Files.readAllLines(dir.resolve("clean-forecasts.csv")), Files.readAllLines(dir.resolve("crowded-forecasts.csv")));

        // Given explicitly, the store is used: the forecasts come from its version 99.
        ReplayRunner.Settings s = settings(dir, file, "given", null);
        Path store = machine.resolve("online-lstm").resolve("models");
        s = new ReplayRunner.Settings(s.name(), s.file(), s.format(), s.job().with(Map.of("model.store", store.toUri().toString())),
                s.score(), s.forecasts(), s.summary(), s.reportDir(), s.reportSeries(), s.reportFrom(), s.reportRows(),
                s.terminal(), s.nabOutput());
        run(s, new StringBuilder());
        List<String> given = Files.readAllLines(dir.resolve("given-forecasts.csv"));
        assertEquals("model_version", given.get(0).split(",")[4]);
        assertEquals("99", given.get(1).split(",")[4], "first forecast by the store's version 99: " + given.get(1));
    }

    @Test
    void badCellsAreReportedAndTheReplayStillFinishes(@TempDir Path dir) throws Exception {
        String[] lines = syntheticWide(3).split("\n");
        lines[150] = lines[150].replaceFirst(",[^,]+$", ",abc");
        lines[151] = lines[151].replaceFirst(",[^,]+,", ",,");
        lines[200] = "not-a-time," + lines[200].substring(lines[200].indexOf(',') + 1);
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, String.join("\n", lines) + "\n");
        StringBuilder out = new StringBuilder();
        Map<String, Object> summary = run(settings(dir, file, "bad", null), out);
        assertEquals(3, ((Number) summary.get("bad_cells")).intValue());
        assertTrue(out.toString().contains("3 bad cells skipped"), out.toString());
        assertTrue(out.toString().contains("line 151, s3: 'abc' (not a number)"), out.toString());
        assertTrue(out.toString().contains("unparseable time"), out.toString());
        // Every present reading still got its forecast.
        long present = HistoryFile.read(file, ScorerTest.format(HistoryFormat.Layout.WIDE)).presentValues();
        assertEquals(present + 1, Files.readAllLines(dir.resolve("bad-forecasts.csv")).size());
    }

    /**
     * A replay runs the job's own parser: what it refuses is kept beside the forecasts, in the
     * dead-letter format of the live job, and counted in the summary (here every reading of a
     * series whose name makes the record larger than input.max-record-bytes).
     */
    @Test
    void readingsTheJobRefusesAreKeptAsDeadLettersAndCounted(@TempDir Path dir) throws Exception {
        String longName = "series_with_a_name_too_long_for_the_record_limit_of_this_replay";
        StringBuilder csv = new StringBuilder("time,s," + longName + "\n");
        for (int r = 0; r < 50; r++) {
            csv.append(1_700_000_000_000L + r * 60_000L).append(',').append(5 + Math.sin(r)).append(',')
                    .append(7 + Math.cos(r)).append('\n');
        }
        Path file = dir.resolve("two.csv");
        Files.writeString(file, csv.toString());
        JobConfig job = JobConfig.of(Map.of("model.hidden-size", "8", "model.layers", "1", "training.mode", "off",
                "input.max-record-bytes", "90"));
        StringBuilder printed = new StringBuilder();
        Map<String, Object> summary = run(new ReplayRunner.Settings("two", file,
                new HistoryFormat(HistoryFormat.Layout.WIDE, "time", "key", "value", "auto"), job,
                new ScoreSettings(1, 50, false, 0, 50, 24, 24, 0.999), dir.resolve("two.csv.out"),
                dir.resolve("two.json"), null, List.of(), -1, 50, false, null), printed);
        List<String> letters = Files.readAllLines(dir.resolve("two.csv-dead-letters.jsonl"));
        assertEquals(50, letters.size());
        for (String line : letters) {
            var letter = io.onlinelstm.io.JsonCodec.mapper().readTree(line);
            assertEquals("too_large", letter.get("reason").asText());
            assertEquals("two.csv", letter.get("topic").asText());
            assertTrue(letter.get("payload").asText().contains(longName), line);
        }
        assertEquals(50L, ((Number) summary.get("dead_letters")).longValue());
        assertTrue(printed.toString().contains("50 readings refused"), printed.toString());
        assertEquals(51, Files.readAllLines(dir.resolve("two.csv.out")).size(), "the other series is forecast");
    }

    @Test
    void writesTheNabResultFormatWithOneRowPerInputRow(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        Random random = new Random(4);
        for (int r = 0; r < 400; r++) {
            double v = 5 + Math.sin(r / 10.0) + 0.1 * random.nextGaussian() + (r == 300 ? 8 : 0);
            csv.append(String.format(java.util.Locale.ROOT, "2014-04-01 %02d:%02d:00,%.4f%n", r / 60, r % 60, v));
            if (r == 10) {
                // A repeated time (as daylight-saving changes leave in some NAB files): still one output row.
                csv.append("2014-04-01 00:10:00,5.5\n");
            }
        }
        Path file = dir.resolve("one.csv");
        Files.writeString(file, csv.toString());
        HistoryFormat format = new HistoryFormat(HistoryFormat.Layout.WIDE, "timestamp", "key", "value", "auto");
        JobConfig job = JobConfig.of(Map.of("model.hidden-size", "8", "model.layers", "1", "anomaly.warmup", "50",
                "training.mode", "off"));
        Path nab = dir.resolve("nab").resolve("one.csv");
        ReplayRunner.run(new ReplayRunner.Settings("one", file, format, job, new ScoreSettings(1, 400, false, 0, 400, 24, 24, 0.999),
                dir.resolve("f.csv"), dir.resolve("s.json"), null, List.of(), -1, 100, false, nab),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(nab);
        assertEquals(402, lines.size(), "one row per input row, the repeated time included");
        assertEquals("2014-04-01 00:10:00,5.5,0.0", lines.get(12));
        assertEquals("timestamp,value,anomaly_score", lines.get(0));
        assertTrue(lines.get(1).startsWith("2014-04-01 00:00:00,"), lines.get(1));
        double spikeScore = Double.parseDouble(lines.get(302).substring(lines.get(302).lastIndexOf(',') + 1));
        double threshold = io.onlinelstm.anomaly.AnomalySettings.defaults().threshold();
        assertTrue(spikeScore >= threshold, "the spike at row 300 should score at least the default threshold, got " + spikeScore);
        for (String line : lines.subList(1, lines.size())) {
            double score = Double.parseDouble(line.substring(line.lastIndexOf(',') + 1));
            assertTrue(score >= 0 && score <= 1, line);
        }
    }

    /** 400 one-minute NAB-style rows from 2014-04-01 00:00 with spikes at rows 150 (02:30) and 300 (05:00). */
    private static Path spikeFile(Path file) throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        Random random = new Random(4);
        for (int r = 0; r < 400; r++) {
            double v = 5 + Math.sin(r / 10.0) + 0.1 * random.nextGaussian() + (r == 150 ? 4 : r == 300 ? 20 : 0);
            csv.append(String.format(java.util.Locale.ROOT, "2014-04-01 %02d:%02d:00,%.4f%n", r / 60, r % 60, v));
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, csv.toString());
        return file;
    }

    private static int pixelsNear(BufferedImage image, int rgb, int tolerance) {
        int n = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                int p = image.getRGB(x, y);
                if (Math.abs((p >> 16 & 255) - (rgb >> 16 & 255)) <= tolerance
                        && Math.abs((p >> 8 & 255) - (rgb >> 8 & 255)) <= tolerance
                        && Math.abs((p & 255) - (rgb & 255)) <= tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void labelledWindowsShadeTheAnomalyChartAndGiveDetectionFigures(@TempDir Path dir) throws Exception {
        Path file = spikeFile(dir.resolve("nab/data/spikes/one.csv"));
        Path windows = dir.resolve("windows.json");
        Files.writeString(windows, """
                {"spikes/other.csv": [],
                 "spikes/one.csv": [["2014-04-01 04:55:00.000000", "2014-04-01 05:05:00.000000"]]}""");
        double threshold = io.onlinelstm.anomaly.AnomalySettings.defaults().threshold();
        JobConfig job = JobConfig.of(Map.of("model.hidden-size", "8", "model.layers", "1", "anomaly.warmup", "50",
                "training.mode", "off", "anomaly.threshold", String.valueOf(threshold)));
        Path nab = dir.resolve("nab-results.csv");
        Path report = dir.resolve("report");
        Map<String, Object> summary = ReplayRunner.run(new ReplayRunner.Settings("one", file,
                        new HistoryFormat(HistoryFormat.Layout.WIDE, "timestamp", "key", "value", "auto"), job,
                        new ScoreSettings(1, 400, false, 0, 400, 24, 24, 0.999), dir.resolve("f.csv"), dir.resolve("s.json"),
                        report, List.of(), -1, 100, false, nab, windows, null),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        @SuppressWarnings("unchecked")
        Map<String, Object> a = (Map<String, Object>) summary.get("anomaly");
        assertEquals("spikes/one.csv", a.get("windows_key"), "the entry that ends the file's path");
        assertEquals(1L, ((Number) a.get("windows")).longValue());
        assertEquals(1L, ((Number) a.get("windows_detected")).longValue(), "the spike at row 300 is in the window: " + a);
        // False positives counted from the NAB result file: after the probationary 60 rows, outside rows 295 to 305.
        List<String> rows = Files.readAllLines(nab).subList(1, 401);
        long falsePositives = 0;
        for (int r = 60; r < rows.size(); r++) {
            double score = Double.parseDouble(rows.get(r).substring(rows.get(r).lastIndexOf(',') + 1));
            if ((r < 295 || r > 305) && score >= threshold) {
                falsePositives++;
            }
        }
        assertTrue(falsePositives > 0, "the unlabelled spike at row 150 scores over the threshold");
        assertEquals(falsePositives, ((Number) a.get("false_positive_readings")).longValue(), a.toString());
        double nabScore = ((Number) a.get("nab_standard")).doubleValue();
        assertTrue(nabScore > 0 && nabScore < 100, "the only window found, with false positives: between the null"
                + " detector's 0 and the perfect 100, got " + a);
        assertTrue(Files.readString(dir.resolve("s.json")).contains("\"windows_detected\" : 1"));

        BufferedImage chart = ImageIO.read(report.resolve("anomaly_value.png").toFile());
        assertNotNull(chart, "anomaly_value.png is not a readable PNG");
        assertEquals(1200, chart.getWidth());
        assertTrue(pixelsNear(chart, AnomalyChart.FLAGGED.getRGB(), 10) > 20, "readings at the threshold marked in red");
        assertTrue(pixelsNear(chart, AnomalyChart.WINDOW.getRGB(), 2) > 100, "the labelled window shaded");
        String index = Files.readString(report.resolve("index.md"));
        assertTrue(index.contains("(anomaly_value.png)") && index.contains("`spikes/one.csv`"), index);
        assertTrue(index.contains("| 1 of 1 | " + falsePositives + " |"), index);
    }

    @Test
    void labelledWindowsNeedAFileOfOneSeries(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("three.csv");
        Files.writeString(file, syntheticWide(6));
        Path windows = dir.resolve("windows.json");
        Files.writeString(windows, "{\"three.csv\": []}");
        ReplayRunner.Settings s = settings(dir, file, "three", null);
        ReplayRunner.Settings labelled = new ReplayRunner.Settings(s.name(), s.file(), s.format(), s.job(), s.score(),
                s.forecasts(), s.summary(), null, List.of(), -1, 100, false, null, windows, null);
        String m = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> run(labelled, new StringBuilder())).getMessage();
        assertTrue(m.contains("has 3 series [s1, s2, s3]") && m.contains("without --windows"), m);
        assertTrue(!Files.exists(s.forecasts()), "refused before the replay ran");
    }
}
