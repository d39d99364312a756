package io.onlinelstm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.cli.Main;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.job.JobConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench nab on tiny generated NAB-style folders: where it finds the labels, and labels that do not fit. */
class NabBenchmarkTest {

    private static final String WINDOW = "[[\"2014-04-01 16:30:00.000000\", \"2014-04-01 16:50:00.000000\"]]";

    /** data/demo/a.csv: 280 five-minute rows (one day) of a daily-ish wave with a spike at 16:40 (row 200). */
    private static Path nabFolder(Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int r = 0; r < 280; r++) {
            double v = 10 + Math.sin(r / 8.0) + (r == 200 ? 12 : 0);
            csv.append(String.format(java.util.Locale.ROOT, "2014-04-01 %02d:%02d:00,%.4f%n", r * 5 / 60, r * 5 % 60, v));
        }
        Path file = dir.resolve("data/demo/a.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, csv);
        return dir;
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void labelsAreTheGivenFileElseWindowsJsonElseNabsCombinedWindows(@TempDir Path dir) throws Exception {
        Path given = dir.resolve("mine.json");
        Path windowsJson = dir.resolve("windows.json");
        Path combined = dir.resolve("labels/combined_windows.json");

        String none = assertThrows(IllegalArgumentException.class, () -> NabBenchmark.windowsFile(dir, null)).getMessage();
        assertTrue(none.contains("tried " + windowsJson + " and " + combined) && none.contains("--windows FILE"), none);

        write(combined, "{}");
        assertEquals(combined, NabBenchmark.windowsFile(dir, null), "a NAB checkout");
        write(windowsJson, "{}");
        assertEquals(windowsJson, NabBenchmark.windowsFile(dir, null), "windows.json beside data/ comes first");
        assertEquals(given, NabBenchmark.windowsFile(dir, given), "--windows wins, even before it is read");
    }

    @Test
    void aFileWithoutAnEntryIsNamedBeforeAnythingIsReplayed(@TempDir Path dir) throws Exception {
        nabFolder(dir);
        Files.copy(dir.resolve("data/demo/a.csv"), dir.resolve("data/demo/b.csv"));
        write(dir.resolve("windows.json"), "{\"demo/a.csv\": " + WINDOW + "}");
        Path out = dir.resolve("out");
        String m = assertThrows(IllegalArgumentException.class, () -> NabBenchmark.run(dir, dir.resolve("windows.json"),
                JobConfig.of(Map.of()), 0.9999, out, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .getMessage();
        assertTrue(m.contains("no entry for \"demo/b.csv\"") && m.contains("add \"demo/b.csv\""), m);
        assertFalse(Files.exists(out.resolve("results")), "a.csv, first in order, was not replayed");

        write(dir.resolve("windows.json"), "{\"demo/a.csv\": " + WINDOW + ", \"demo/b.csv\": [[\"2014-04-01 04:00:00\", \"2014-04-01 04:03:00\"]]}");
        String limit = assertThrows(IllegalArgumentException.class, () -> NabBenchmark.run(dir, dir.resolve("windows.json"),
                JobConfig.of(Map.of()), 0.9999, out, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .getMessage();
        assertTrue(limit.contains("2014-04-01 04:03:00 is not a timestamp of " + dir.resolve("data/demo/b.csv")), limit);
    }

    @Test
    void aNabCheckoutIsScoredWithItsOwnLabels(@TempDir Path dir) throws Exception {
        nabFolder(dir);
        write(dir.resolve("labels/combined_windows.json"), "{\"demo/a.csv\": " + WINDOW + "}");
        Path out = dir.resolve("out");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        PrintStream original = System.out;
        int code;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            var cl = Main.commandLine();
            cl.setErr(new PrintWriter(err));
            code = cl.execute("bench", "nab", dir.toString(), "--out", out.toString(), "--model.hidden-size", "8",
                    "--model.layers", "1", "--training.mode", "off", "--anomaly.warmup", "20");
        } finally {
            System.setOut(original);
        }
        assertEquals(0, code, err.toString());
        assertTrue(Files.exists(out.resolve("results/demo/a.csv")));
        String line = stdout.toString(StandardCharsets.UTF_8).trim();
        JsonNode result = JsonCodec.mapper().readTree(line.substring(line.lastIndexOf('\n') + 1));
        assertEquals(1, result.get("files").asInt());
        assertEquals(1, result.get("windows").asInt(), line);
        assertEquals(1.0, result.get("recall").asDouble(), "the spike in the labelled window is found: " + line);
        // The detector's cost is reported (its value is timing: not asserted beyond being one).
        assertTrue(result.get("detector_us_per_reading").asDouble() > 0, line);
    }
}
