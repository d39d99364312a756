package io.onlinelstm.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@code --time-format auto} on whole files: each recognised format read to the right instants,
 * day/month ambiguity refused, unknown formats and unusable files failing at once with a message
 * that says what is wrong.
 */
class HistoryFileFormatsTest {

    @TempDir
    Path dir;

    private static final HistoryFormat AUTO = new HistoryFormat(HistoryFormat.Layout.WIDE, "", "key", "value", "auto");

    /** Three rows, one hour apart from 2016-07-13 23:00 UTC, written in each format. */
    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of("1468450800000", "1468454400000", "1468458000000", TimeFormats.EPOCH_MS),
                Arguments.of("2016-07-13T23:00:00Z", "2016-07-14T00:00:00Z", "2016-07-14T01:00:00Z", TimeFormats.ISO_OFFSET),
                Arguments.of("2016-07-14T01:00:00+02:00", "2016-07-14 02:00:00+02:00", "2016-07-14T03:00+02:00", TimeFormats.ISO_OFFSET),
                Arguments.of("2016-07-13 23:00:00", "2016-07-14 00:00:00", "2016-07-14 01:00:00", TimeFormats.ISO_LOCAL),
                Arguments.of("2016-07-13T23:00", "2016-07-14T00:00", "2016-07-14T01:00", TimeFormats.ISO_LOCAL),
                Arguments.of("2016-07-13 23:00:00.000000", "2016-07-14 00:00:00.000000", "2016-07-14 01:00:00.000000",
                        TimeFormats.ISO_LOCAL),
                Arguments.of("2016/07/13 23:00", "2016/07/14 00:00", "2016/07/14 01:00", "yyyy/MM/dd HH:mm[:ss]"),
                Arguments.of("7/13/2016 23:00", "7/14/2016 0:00", "7/14/2016 1:00", "M/d/yyyy H:mm[:ss]"),
                Arguments.of("13/7/2016 23:00", "14/07/2016 0:00", "14/7/2016 1:00:00", "d/M/yyyy H:mm[:ss]"),
                Arguments.of("7/13/16 23:00", "7/14/16 0:00", "7/14/16 1:00", "M/d/yy H:mm[:ss]"),
                Arguments.of("13.07.2016 23:00", "14.07.2016 00:00", "14.07.2016 01:00", "d.M.yyyy H:mm[:ss]"));
    }

    @ParameterizedTest
    @MethodSource("formats")
    void autoRecognisesTheFormatOfTheWholeColumn(String t0, String t1, String t2, String expected) throws IOException {
        Path file = write("time,a\n" + t0 + ",1\n" + t1 + ",2\n" + t2 + ",3\n");
        HistoryFile h = HistoryFile.read(file, AUTO);
        assertEquals(expected, h.format().timeFormat());
        assertEquals(3, h.rows());
        long first = Instant.parse("2016-07-13T23:00:00Z").toEpochMilli();
        for (int r = 0; r < 3; r++) {
            assertEquals(first + r * 3_600_000L, h.time(r), "row " + r);
        }
    }

    @Test
    void dateOnlyFilesAreDays() throws IOException {
        HistoryFile h = HistoryFile.read(write("day,a\n12/30/2016,1\n12/31/2016,2\n"), AUTO);
        assertEquals("M/d/yyyy", h.format().timeFormat());
        assertEquals(Instant.parse("2016-12-31T00:00:00Z").toEpochMilli(), h.time(1));
    }

    @Test
    void aFileWhoseDaysNeverPass12IsRefusedAndAsksWhichOrder() throws IOException {
        Path file = write("time,a\n1/2/2016 0:00,1\n1/3/2016 0:00,2\n2/3/2016 0:00,3\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file, AUTO));
        assertTrue(e.getMessage().contains("--time-format 'M/d/yyyy H:mm[:ss]'"), e.getMessage());
        assertTrue(e.getMessage().contains("--time-format 'd/M/yyyy H:mm[:ss]'"), e.getMessage());
        // Told which, it reads the file.
        HistoryFile h = HistoryFile.read(file, AUTO.withTimeFormat("d/M/yyyy H:mm[:ss]"));
        assertEquals(Instant.parse("2016-03-01T00:00:00Z").toEpochMilli(), h.time(1));
    }

    @Test
    void oneDayAbove12AnywhereSettlesTheOrder() throws IOException {
        HistoryFile h = HistoryFile.read(write("time,a\n1/2/2016 0:00,1\n1/3/2016 0:00,2\n1/13/2016 0:00,3\n"), AUTO);
        assertEquals("M/d/yyyy H:mm[:ss]", h.format().timeFormat());
    }

    @Test
    void aFewBadTimesAreSkippedRowsNotAFailedDetection() throws IOException {
        HistoryFile h = HistoryFile.read(write("time,a\n7/13/2016 23:00,1\nnot a time,2\n7/14/2016 0:00,3\n7/14/2016 1:00,4\n"), AUTO);
        assertEquals("M/d/yyyy H:mm[:ss]", h.format().timeFormat());
        assertEquals(3, h.rows());
        assertEquals(1, h.badCells().size());
    }

    @Test
    void anUnknownFormatFailsListingTheFormatsTried() throws IOException {
        Path file = write("time,a\n13-Jul-2016 23:00,1\n14-Jul-2016 00:00,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file, AUTO));
        assertTrue(e.getMessage().contains("13-Jul-2016 23:00"), e.getMessage());
        for (String tried : new String[] {"epoch milliseconds", "M/d/yyyy H:mm[:ss]", "d.M.yyyy"}) {
            assertTrue(e.getMessage().contains(tried), e.getMessage());
        }
        assertTrue(e.getMessage().contains("--time-format"), e.getMessage());
        // A pattern of the user's reads it.
        assertEquals(2, HistoryFile.read(file, AUTO.withTimeFormat("dd-MMM-yyyy HH:mm")).rows());
    }

    @Test
    void aSemicolonSeparatedFileFailsAtOnceSayingSo() throws IOException {
        Path file = write("time;a;b\n2016-07-13 23:00:00;1,5;2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file, AUTO));
        assertTrue(e.getMessage().contains("semicolons"), e.getMessage());
    }

    @Test
    void aSingleColumnFileFailsAtOnce() throws IOException {
        Path file = write("comment\nhello\nworld\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file, AUTO));
        assertTrue(e.getMessage().contains("single column ('comment')"), e.getMessage());
    }

    @Test
    void aFileWithNoNumbersFailsAtOnceNamingTheFirstBadCell() throws IOException {
        Path file = write("time,name\n2016-07-13 23:00:00,alpha\n2016-07-14 00:00:00,beta\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file, AUTO));
        assertTrue(e.getMessage().contains("no number in any series column"), e.getMessage());
        assertTrue(e.getMessage().contains("line 2, series 'name', 'alpha': not a number"), e.getMessage());
    }

    @Test
    void aFileWithOnlyAHeaderFailsAtOnce() throws IOException {
        Path file = write("time,a\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file, AUTO));
        assertTrue(e.getMessage().contains("empty in every row"), e.getMessage());
        IllegalArgumentException explicit = assertThrows(IllegalArgumentException.class,
                () -> HistoryFile.read(file, AUTO.withTimeFormat(TimeFormats.ISO_LOCAL)));
        assertTrue(explicit.getMessage().contains("holds no usable rows: it has a header and nothing else"), explicit.getMessage());
    }

    private Path write(String content) throws IOException {
        Path file = Files.createTempFile(dir, "history", ".csv");
        Files.writeString(file, content);
        return file;
    }
}
