package io.onlinelstm.replay;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * How to read a history file: the layout, which columns hold time (and key and value for the long
 * layout), and how time is written.
 *
 * @param timeFormat {@code auto} (ISO-8601, "yyyy-MM-dd HH:mm:ss" or epoch milliseconds), {@code
 *     epoch-ms}, {@code epoch-s}, or a {@link DateTimeFormatter} pattern; times without an offset
 *     are taken as UTC
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

    private static final DateTimeFormatter SPACE_SEPARATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss][.SSS]");

    public long parseTime(String text) {
        String s = text.trim();
        switch (timeFormat) {
            case "epoch-ms":
                return Long.parseLong(s);
            case "epoch-s":
                return Long.parseLong(s) * 1000;
            case "auto":
                if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
                    return Long.parseLong(s);
                }
                if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")) {
                    return Instant.parse(s.replace(' ', 'T')).toEpochMilli();
                }
                return LocalDateTime.parse(s.replace('T', ' '), SPACE_SEPARATED).toInstant(ZoneOffset.UTC).toEpochMilli();
            default:
                return LocalDateTime.parse(s, DateTimeFormatter.ofPattern(timeFormat)).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
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
