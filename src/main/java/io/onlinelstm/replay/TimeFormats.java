package io.onlinelstm.replay;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The time formats a history file may use, and how {@code --time-format auto} picks one: the format
 * that reads the most cells of the whole time column wins. A file whose every date could be read
 * month-first and day-first alike (no day above 12 anywhere) is refused rather than guessed, since
 * a wrong guess silently reorders the series.
 *
 * <p>Times without an offset are taken as UTC.
 */
public final class TimeFormats {

    /** Epoch milliseconds. */
    public static final String EPOCH_MS = "epoch-ms";
    /** Epoch seconds. */
    public static final String EPOCH_S = "epoch-s";
    /** ISO-8601 with a zone offset or Z, 'T' or a space between date and time. */
    public static final String ISO_OFFSET = "iso-offset";
    /** yyyy-MM-dd, optionally with HH:mm[:ss[.fraction]] after a 'T' or a space. */
    public static final String ISO_LOCAL = "iso-local";

    /** What auto tries, in order; formats of one pair differ only in day and month order. */
    static final List<String> AUTO_CANDIDATES = List.of(
            EPOCH_MS, ISO_OFFSET, ISO_LOCAL,
            "yyyy/MM/dd HH:mm[:ss]",
            "M/d/yyyy H:mm[:ss]", "d/M/yyyy H:mm[:ss]",
            "M/d/yyyy", "d/M/yyyy",
            "M/d/yy H:mm[:ss]", "d/M/yy H:mm[:ss]",
            "d.M.yyyy H:mm[:ss]", "d.M.yyyy");

    private static final Map<String, String> DAY_FIRST_TWIN = Map.of(
            "M/d/yyyy H:mm[:ss]", "d/M/yyyy H:mm[:ss]",
            "M/d/yyyy", "d/M/yyyy",
            "M/d/yy H:mm[:ss]", "d/M/yy H:mm[:ss]");

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().optionalStart().appendLiteral('T').optionalEnd().optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd().optionalEnd()
            .optionalEnd()
            .toFormatter(Locale.ROOT);

    private static final Map<String, DateTimeFormatter> PATTERNS = new ConcurrentHashMap<>();

    private TimeFormats() {}

    /** Epoch milliseconds of {@code text} in {@code format} (a name above or a java.time pattern). */
    public static long parse(String format, String text) {
        String s = text.trim();
        return switch (format) {
            case EPOCH_MS -> Long.parseLong(s);
            case EPOCH_S -> Math.multiplyExact(Long.parseLong(s), 1000L);
            case ISO_OFFSET -> OffsetDateTime.parse(s.replace(' ', 'T')).toInstant().toEpochMilli();
            case ISO_LOCAL -> toEpochMillis(LOCAL.parse(s));
            case "auto" -> parseAny(s);
            default -> toEpochMillis(PATTERNS.computeIfAbsent(format, p -> DateTimeFormatter.ofPattern(p, Locale.ROOT)).parse(s));
        };
    }

    /** One value with no file around it: the first candidate that reads it. */
    private static long parseAny(String s) {
        for (String candidate : AUTO_CANDIDATES) {
            try {
                return parse(candidate, s);
            } catch (RuntimeException e) {
                // try the next
            }
        }
        throw new IllegalArgumentException("'" + s + "' is in none of the known time formats (" + describeCandidates() + ")");
    }

    private static long toEpochMillis(TemporalAccessor t) {
        LocalDateTime local = t.isSupported(ChronoField.HOUR_OF_DAY)
                ? LocalDateTime.from(t)
                : LocalDate.from(t).atStartOfDay();
        return local.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /**
     * The format of a whole time column: the candidate that reads the most of its non-blank
     * cells, at least half of them.
     *
     * @throws IllegalArgumentException when none does, or when day and month cannot be told apart
     */
    public static String detect(List<String> cells, String column, Path file) {
        List<String> present = cells.stream().map(String::trim).filter(c -> !c.isEmpty()).toList();
        if (present.isEmpty()) {
            throw new IllegalArgumentException("The time column '" + column + "' of " + file + " is empty in every row");
        }
        Map<String, Integer> read = new LinkedHashMap<>();
        for (String candidate : AUTO_CANDIDATES) {
            int ok = 0;
            for (String cell : present) {
                if (reads(candidate, cell)) {
                    ok++;
                }
            }
            read.put(candidate, ok);
        }
        int best = read.values().stream().max(Integer::compare).orElse(0);
        if (best * 2 < present.size()) {
            throw new IllegalArgumentException("Cannot tell the time format of column '" + column + "' in " + file
                    + ": none of the known formats reads most of its cells (first cell: '" + present.get(0) + "'). Tried: "
                    + describeCandidates() + ". Pass --time-format with a java.time pattern, e.g. --time-format 'dd-MMM-yyyy HH:mm'.");
        }
        String winner = AUTO_CANDIDATES.stream().filter(c -> read.get(c) == best).findFirst().orElseThrow();
        String twin = DAY_FIRST_TWIN.get(winner);
        if (twin != null && read.get(twin) == best) {
            throw new IllegalArgumentException("The times in column '" + column + "' of " + file + " (first: '"
                    + present.get(0) + "') read as month/day and as day/month alike: no day above 12 anywhere in the file."
                    + " Say which with --time-format '" + winner + "' (month first) or --time-format '" + twin + "' (day first).");
        }
        return winner;
    }

    private static boolean reads(String format, String cell) {
        try {
            parse(format, cell);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String describeCandidates() {
        List<String> names = new ArrayList<>();
        for (String c : AUTO_CANDIDATES) {
            names.add(switch (c) {
                case EPOCH_MS -> "epoch milliseconds";
                case ISO_OFFSET -> "ISO-8601 with offset (2024-11-27T04:00:00Z)";
                case ISO_LOCAL -> "yyyy-MM-dd[ HH:mm[:ss[.fraction]]]";
                default -> c;
            });
        }
        return names.stream().collect(Collectors.joining(", "));
    }
}
