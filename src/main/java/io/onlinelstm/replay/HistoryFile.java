package io.onlinelstm.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A history file in memory: the distinct times in order (rows) and, per series, a value per row
 * (NaN where the cell is missing or bad). Bad cells are kept in a list with their line and reason,
 * so that a replay reports them instead of dropping them silently.
 *
 * <p>Wide: a time column and one column per series. Long: time, key and value columns.
 */
public final class HistoryFile {

    /** A cell that could not be used. */
    public record BadCell(int line, String series, String text, String reason) {}

    private final long[] times;
    private final List<String> series;
    private final double[][] values;
    private final List<BadCell> badCells;
    private HistoryFormat format;

    private HistoryFile(long[] times, List<String> series, double[][] values, List<BadCell> badCells) {
        this.times = times;
        this.series = series;
        this.values = values;
        this.badCells = badCells;
    }

    /**
     * Reads {@code file}; {@code auto} time formats are resolved against the whole time column
     * first (see {@link #format()}). Fails at once, saying what is wrong, on a file replay cannot
     * use: another separator, a single column, no row with a usable time or no number anywhere.
     */
    public static HistoryFile read(Path file, HistoryFormat format) {
        try {
            List<String> columns = header(file);
            checkColumns(columns, format, file);
            HistoryFormat resolved = format;
            if ("auto".equals(format.timeFormat())) {
                int timeColumn = format.timeColumnIndex(columns, file);
                resolved = format.withTimeFormat(TimeFormats.detect(column(file, timeColumn), columns.get(timeColumn).trim(), file));
            }
            HistoryFile history;
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                in.readLine();
                history = resolved.layout() == HistoryFormat.Layout.WIDE
                        ? readWide(in, columns, resolved, file)
                        : readLong(in, columns, resolved, file);
            }
            history.format = resolved;
            checkUsable(history, file);
            return history;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<String> header(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || header.isBlank()) {
                throw new IllegalArgumentException(file + " is empty: a history file starts with a header row of column names");
            }
            return split(header);
        }
    }

    private static void checkColumns(List<String> columns, HistoryFormat format, Path file) {
        if (columns.size() > 1) {
            return;
        }
        String only = columns.get(0);
        for (char separator : new char[] {';', '\t', '|'}) {
            if (only.indexOf(separator) >= 0) {
                String name = separator == ';' ? "semicolons" : separator == '\t' ? "tabs" : "'|'";
                throw new IllegalArgumentException(file + " looks separated by " + name + " (header: '" + abbreviate(only)
                        + "'): replay reads comma-separated files. Convert it to commas first"
                        + (separator == ';' ? " (mind decimal commas in the values)." : "."));
            }
        }
        throw new IllegalArgumentException(file + " has a single column ('" + abbreviate(only) + "'): "
                + (format.layout() == HistoryFormat.Layout.WIDE
                        ? "a wide file needs a time column and one column per series."
                        : "a long file needs time, key and value columns."));
    }

    /** Every cell of one column, for the time-format detection. */
    private static List<String> column(Path file, int index) throws IOException {
        List<String> cells = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.readLine();
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    List<String> row = split(line);
                    cells.add(index < row.size() ? row.get(index) : "");
                }
            }
        }
        return cells;
    }

    private static void checkUsable(HistoryFile history, Path file) {
        String firstBad = history.badCells.isEmpty() ? "" : describe(history.badCells.get(0));
        if (history.rows() == 0) {
            throw new IllegalArgumentException(file + " holds no usable rows: "
                    + (history.badCells.isEmpty() ? "it has a header and nothing else." : "every row was skipped; the first: " + firstBad));
        }
        if (history.presentValues() == 0) {
            throw new IllegalArgumentException(file + " has " + history.rows() + " rows but no number in any series column;"
                    + " the first bad cell: " + firstBad + ". Check --time-column, and --format long for a file of"
                    + " time, key and value columns.");
        }
    }

    private static String describe(BadCell cell) {
        return "line " + cell.line() + ("*".equals(cell.series()) ? "" : ", series '" + cell.series() + "'")
                + ", '" + abbreviate(cell.text()) + "': " + cell.reason();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static HistoryFile readWide(BufferedReader in, List<String> columns, HistoryFormat format, Path file)
            throws IOException {
        int timeColumn = format.timeColumnIndex(columns, file);
        List<String> series = new ArrayList<>();
        List<Integer> seriesColumns = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            if (c != timeColumn) {
                series.add(columns.get(c));
                seriesColumns.add(c);
            }
        }
        List<long[]> timeList = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        List<BadCell> bad = new ArrayList<>();
        String line;
        int lineNo = 1;
        long previous = Long.MIN_VALUE;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = split(line);
            long ts;
            try {
                ts = format.parseTime(cells.get(timeColumn));
            } catch (RuntimeException e) {
                bad.add(new BadCell(lineNo, "*", cells.isEmpty() ? "" : cells.get(Math.min(timeColumn, cells.size() - 1)),
                        "unparseable time: the whole row is skipped"));
                continue;
            }
            if (ts <= previous) {
                bad.add(new BadCell(lineNo, "*", cells.get(timeColumn), "time not after the previous row's: row skipped"));
                continue;
            }
            previous = ts;
            double[] row = new double[series.size()];
            for (int s = 0; s < series.size(); s++) {
                int c = seriesColumns.get(s);
                String text = c < cells.size() ? cells.get(c).trim() : "";
                row[s] = parseValue(text, lineNo, series.get(s), bad);
            }
            timeList.add(new long[] {ts});
            rows.add(row);
        }
        long[] times = timeList.stream().mapToLong(t -> t[0]).toArray();
        double[][] values = new double[series.size()][times.length];
        for (int r = 0; r < times.length; r++) {
            for (int s = 0; s < series.size(); s++) {
                values[s][r] = rows.get(r)[s];
            }
        }
        return new HistoryFile(times, series, values, bad);
    }

    private static HistoryFile readLong(BufferedReader in, List<String> columns, HistoryFormat format, Path file)
            throws IOException {
        int timeColumn = format.timeColumnIndex(columns, file);
        int keyColumn = format.columnIndex(columns, format.keyColumn(), file);
        int valueColumn = format.columnIndex(columns, format.valueColumn(), file);
        TreeMap<Long, Map<String, Double>> byTime = new TreeMap<>();
        Map<String, Boolean> seriesSeen = new LinkedHashMap<>();
        List<BadCell> bad = new ArrayList<>();
        String line;
        int lineNo = 1;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = split(line);
            String key = keyColumn < cells.size() ? cells.get(keyColumn).trim() : "";
            if (key.isEmpty()) {
                bad.add(new BadCell(lineNo, "?", line, "missing key"));
                continue;
            }
            long ts;
            try {
                ts = format.parseTime(cells.get(timeColumn));
            } catch (RuntimeException e) {
                bad.add(new BadCell(lineNo, key, timeColumn < cells.size() ? cells.get(timeColumn) : "", "unparseable time"));
                continue;
            }
            seriesSeen.putIfAbsent(key, true);
            String text = valueColumn < cells.size() ? cells.get(valueColumn).trim() : "";
            double v = parseValue(text, lineNo, key, bad);
            Map<String, Double> row = byTime.computeIfAbsent(ts, t -> new LinkedHashMap<>());
            if (row.containsKey(key)) {
                bad.add(new BadCell(lineNo, key, text, "second value for the same time: ignored"));
                continue;
            }
            row.put(key, v);
        }
        List<String> series = new ArrayList<>(seriesSeen.keySet());
        long[] times = byTime.keySet().stream().mapToLong(Long::longValue).toArray();
        double[][] values = new double[series.size()][times.length];
        for (double[] v : values) {
            Arrays.fill(v, Double.NaN);
        }
        int r = 0;
        for (Map<String, Double> row : byTime.values()) {
            for (Map.Entry<String, Double> e : row.entrySet()) {
                values[series.indexOf(e.getKey())][r] = e.getValue();
            }
            r++;
        }
        return new HistoryFile(times, series, values, bad);
    }

    private static double parseValue(String text, int line, String series, List<BadCell> bad) {
        if (text.isEmpty()) {
            bad.add(new BadCell(line, series, text, "missing value"));
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(text);
            if (!Double.isFinite(v)) {
                bad.add(new BadCell(line, series, text, "not a finite number"));
                return Double.NaN;
            }
            return v;
        } catch (NumberFormatException e) {
            bad.add(new BadCell(line, series, text, "not a number"));
            return Double.NaN;
        }
    }

    /** Splits one CSV line; handles double-quoted cells with commas and doubled quotes. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        out.add(cell.toString());
        return out;
    }

    public int rows() {
        return times.length;
    }

    public long time(int row) {
        return times[row];
    }

    public List<String> series() {
        return series;
    }

    /** Value of series {@code s} at {@code row}; NaN when missing. */
    public double value(int s, int row) {
        return values[s][row];
    }

    /** The format the file was read with; an {@code auto} time format resolved to the one found. */
    public HistoryFormat format() {
        return format;
    }

    public List<BadCell> badCells() {
        return badCells;
    }

    /** Present values in the file: the readings a replay streams. */
    public long presentValues() {
        long n = 0;
        for (double[] v : values) {
            for (double x : v) {
                if (!Double.isNaN(x)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Row of an exact time, or -1. */
    public int rowOf(long ts) {
        int r = Arrays.binarySearch(times, ts);
        return r >= 0 ? r : -1;
    }
}
