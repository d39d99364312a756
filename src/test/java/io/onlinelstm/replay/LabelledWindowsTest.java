package io.onlinelstm.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledWindowsTest {

    private static final HistoryFormat NAB = new HistoryFormat(HistoryFormat.Layout.WIDE, "timestamp", "key", "value", "auto");

    /** A NAB-style file of {@code rows} five-minute rows from 2014-04-01 00:00. */
    static Path nabFile(Path file, int rows) throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int r = 0; r < rows; r++) {
            int minutes = 5 * r;
            csv.append(String.format(java.util.Locale.ROOT, "2014-04-%02d %02d:%02d:00,%d%n",
                    1 + minutes / 1440, minutes / 60 % 24, minutes % 60, r % 7));
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, csv);
        return file;
    }

    private static LabelledWindows windows(Path dir, String json) throws Exception {
        Path file = dir.resolve("windows.json");
        Files.writeString(file, json);
        return LabelledWindows.read(file);
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void readsNabsFormatAndTurnsLimitsIntoRowsInTimeOrder(@TempDir Path dir) throws Exception {
        Path data = nabFile(dir.resolve("data/realKnownCause/nyc_taxi.csv"), 100);
        LabelledWindows w = windows(dir, """
                {"realKnownCause/nyc_taxi.csv": [
                    ["2014-04-01 05:00:00.000000", "2014-04-01 05:30:00.000000"],
                    ["2014-04-01 01:00:00.000000", "2014-04-01 01:10:00"]],
                 "realKnownCause/other.csv": []}""");
        assertEquals(List.of("realKnownCause/nyc_taxi.csv", "realKnownCause/other.csv"), List.copyOf(w.keys()));
        List<int[]> rows = w.rows("realKnownCause/nyc_taxi.csv", HistoryFile.read(data, NAB), data);
        assertEquals(2, rows.size());
        assertArrayEquals(new int[] {12, 14}, rows.get(0));
        assertArrayEquals(new int[] {60, 66}, rows.get(1));
        assertTrue(w.windows("realKnownCause/other.csv").isEmpty());
    }

    @Test
    void theEntryIsTheLongestKeyThatEndsTheFilesPathElseTheOnlyOneWithItsName(@TempDir Path dir) throws Exception {
        LabelledWindows w = windows(dir, """
                {"nyc_taxi.csv": [], "realKnownCause/nyc_taxi.csv": [], "realKnownCause/cpu.csv": [],
                 "a/twice.csv": [], "b/twice.csv": []}""");
        assertEquals("realKnownCause/nyc_taxi.csv", w.keyFor(dir.resolve("nab/data/realKnownCause/nyc_taxi.csv"), null));
        assertEquals("nyc_taxi.csv", w.keyFor(dir.resolve("elsewhere/nyc_taxi.csv"), null));
        assertEquals("realKnownCause/cpu.csv", w.keyFor(dir.resolve("copies/cpu.csv"), null), "by its name alone");
        assertEquals("b/twice.csv", w.keyFor(dir.resolve("x/b/twice.csv"), null));
        assertEquals("a/twice.csv", w.keyFor(dir.resolve("anything.csv"), "a/twice.csv"), "a chosen key wins");

        String ambiguous = message(() -> w.keyFor(dir.resolve("x/twice.csv"), null));
        assertTrue(ambiguous.contains("\"a/twice.csv\", \"b/twice.csv\"") && ambiguous.contains("--windows-key"), ambiguous);
        String none = message(() -> w.keyFor(dir.resolve("x/unknown.csv"), null));
        assertTrue(none.contains("has no entry for " + dir.resolve("x/unknown.csv")), none);
        assertTrue(none.contains("Its entries: \"nyc_taxi.csv\", \"realKnownCause/nyc_taxi.csv\"") && none.contains("--windows-key"), none);
        String wrongChoice = message(() -> w.keyFor(dir.resolve("x/unknown.csv"), "c/twice.csv"));
        assertTrue(wrongChoice.contains("--windows-key \"c/twice.csv\" is not an entry") && wrongChoice.contains("\"b/twice.csv\""),
                wrongChoice);
    }

    @Test
    void aLimitThatIsNotATimeOfTheFileNamesTheFileAndSaysWhatToCheck(@TempDir Path dir) throws Exception {
        Path data = nabFile(dir.resolve("data/x/f.csv"), 50);
        LabelledWindows w = windows(dir, """
                {"x/f.csv": [["2014-04-01 00:10:00.000000", "2014-04-01 00:12:00.000000"]],
                 "x/g.csv": [["yesterday", "2014-04-01 00:10:00.000000"]]}""");
        HistoryFile h = HistoryFile.read(data, NAB);
        String off = message(() -> w.rows("x/f.csv", h, data));
        assertTrue(off.contains("2014-04-01 00:12:00.000000 is not a timestamp of " + data), off);
        assertTrue(off.contains("2014-04-01T00:00:00Z to 2014-04-01T04:05:00Z") && off.contains("Check that the windows file"), off);
        String notATime = message(() -> w.rows("x/g.csv", h, data));
        assertTrue(notATime.contains("'yesterday' is not a time") && notATime.contains("yyyy-MM-dd HH:mm:ss"), notATime);
        String missing = message(() -> w.rows("x/h.csv", h, data));
        assertTrue(missing.contains("has no entry for \"x/h.csv\"") && missing.contains("add \"x/h.csv\": [[start, end], ...]"),
                missing);
    }

    @Test
    void overlappingWindowsAreRefused(@TempDir Path dir) throws Exception {
        Path data = nabFile(dir.resolve("f.csv"), 50);
        LabelledWindows w = windows(dir, """
                {"f.csv": [["2014-04-01 00:10:00", "2014-04-01 00:30:00"], ["2014-04-01 00:30:00", "2014-04-01 00:40:00"]]}""");
        String m = message(() -> w.rows("f.csv", HistoryFile.read(data, NAB), data));
        assertTrue(m.contains("overlap (rows 2-6 and 6-8") && m.contains("merge them"), m);
    }

    @Test
    void aMalformedFileSaysWhatIsWrongAndWhatTheFormatIs(@TempDir Path dir) throws Exception {
        String missing = message(() -> LabelledWindows.read(dir.resolve("nope.json")));
        assertTrue(missing.contains("nope.json does not exist") && missing.contains("--windows"), missing);
        for (String[] c : new String[][] {
                {"{\"f.csv\": [", "is not valid JSON"},
                {"[[\"2014-04-01 00:10:00\", \"2014-04-01 00:30:00\"]]", "is not a JSON object"},
                {"{\"f.csv\": \"2014-04-01\"}", "Entry \"f.csv\" of windows file"},
                {"{\"f.csv\": [[\"2014-04-01 00:10:00\"]]}", "Window 1 of \"f.csv\""},
                {"{\"f.csv\": [[\"2014-04-01 00:30:00\", \"2014-04-01 00:10:00\"]]}", "ends before it starts"}}) {
            String m = message(() -> {
                try {
                    windows(dir, c[0]);
                } catch (IllegalArgumentException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(m.contains(c[1]), c[0] + " -> " + m);
            assertTrue(m.contains("combined_windows.json") || m.contains("[start, end]") || m.contains("write [start, end]"),
                    "says what the format is: " + m);
        }
    }
}
