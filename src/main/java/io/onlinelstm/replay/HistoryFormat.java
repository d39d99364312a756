package io.onlinelstm.replay;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How to read a history file: the layout, which columns hold time (and key and value for the long
 * layout), and how time is written.
 *
 * @param timeFormat {@code auto} (the format that reads the whole time column, see {@link
 *     TimeFormats}), {@code epoch-ms}, {@code epoch-s}, {@code iso-offset}, {@code iso-local}, or a
 *     {@link java.time.format.DateTimeFormatter} pattern; times without an offset are taken as UTC
 */
public record HistoryFormat(Layout layout, String timeColumn, String keyColumn, String valueColumn, String timeFormat)
        implements Serializable {

    /** Wide: one column per series. Long: one row per (time, key, value). */
    public enum Layout {
        WIDE,
        LONG;

        public static Layout parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unknown format '" + s + "': use wide or long");
            }
        }
    }

    public long parseTime(String text) {
        return TimeFormats.parse(timeFormat, text);
    }

    /** This format with another time format (what {@code auto} resolved to for one file). */
    public HistoryFormat withTimeFormat(String format) {
        return new HistoryFormat(layout, timeColumn, keyColumn, valueColumn, format);
    }

    int timeColumnIndex(List<String> columns, Path file) {
        if (timeColumn == null || timeColumn.isBlank()) {
            return 0;
        }
        return columnIndex(columns, timeColumn, file);
    }

    int columnIndex(List<String> columns, String name, Path file) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).trim().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("Column '" + name + "' is not in " + file + "; its columns are " + columns);
    }
}
