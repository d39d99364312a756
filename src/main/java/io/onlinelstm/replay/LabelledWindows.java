package io.onlinelstm.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.onlinelstm.io.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Labelled anomaly windows in the format of NAB's {@code labels/combined_windows.json}: a JSON
 * object of data file (a path relative to NAB's {@code data/} folder, such as
 * {@code realKnownCause/nyc_taxi.csv}) to a list of {@code [start, end]} timestamps, both
 * inclusive. Read once, shared by {@code replay --windows} and {@code bench nab}.
 */
public final class LabelledWindows {

    /** One labelled window as written in the file. */
    public record Window(String start, String end) {}

    private static final DateTimeFormatter LABEL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");
    private static final String FORMAT = "a JSON object of data file -> list of [start, end] timestamps, as NAB's"
            + " labels/combined_windows.json: {\"realKnownCause/nyc_taxi.csv\": [[\"2014-10-30 15:30:00.000000\","
            + " \"2014-11-03 22:30:00.000000\"], ...], ...}";

    private final Path source;
    private final Map<String, List<Window>> entries;

    private LabelledWindows(Path source, Map<String, List<Window>> entries) {
        this.source = source;
        this.entries = entries;
    }

    public static LabelledWindows read(Path file) {
        JsonNode root;
        try {
            root = JsonCodec.mapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Windows file " + file + " does not exist; give --windows the path of a"
                    + " labelled-windows file: " + FORMAT);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Windows file " + file + " is not valid JSON (" + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + "); it must be " + FORMAT);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read windows file " + file + ": " + e
                    + "; check that it is a readable file", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("Windows file " + file + " is not a JSON object; it must be " + FORMAT);
        }
        Map<String, List<Window>> entries = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            entries.put(entry.getKey(), parseEntry(file, entry.getKey(), entry.getValue()));
        }
        return new LabelledWindows(file, entries);
    }

    private static List<Window> parseEntry(Path file, String key, JsonNode list) {
        if (!list.isArray()) {
            throw new IllegalArgumentException("Entry \"" + key + "\" of windows file " + file + " is " + list
                    + ", not a list of [start, end] pairs; write [] for a file without anomalies");
        }
        List<Window> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode w = list.get(i);
            if (!w.isArray() || w.size() != 2 || !w.get(0).isTextual() || !w.get(1).isTextual()) {
                throw new IllegalArgumentException("Window " + (i + 1) + " of \"" + key + "\" in windows file " + file
                        + " is " + w + "; a window is [start, end], two timestamps such as"
                        + " [\"2014-02-19 10:50:00.000000\", \"2014-02-20 03:30:00.000000\"]");
            }
            Window window = new Window(w.get(0).asText(), w.get(1).asText());
            Long start = labelTime(window.start());
            Long end = labelTime(window.end());
            if (start != null && end != null && start > end) {
                throw new IllegalArgumentException("Window " + (i + 1) + " of \"" + key + "\" in windows file " + file
                        + " ends before it starts: " + w + "; write [start, end]");
            }
            out.add(window);
        }
        return List.copyOf(out);
    }

    /** Epoch milliseconds of a time written as NAB writes it (UTC), or null when it is written otherwise. */
    private static Long labelTime(String text) {
        try {
            return LocalDateTime.parse(text.trim(), LABEL_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public Path source() {
        return source;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    /** The windows of an entry; a missing entry is an error that says how to add it. */
    public List<Window> windows(String key) {
        List<Window> w = entries.get(key);
        if (w == null) {
            throw new IllegalArgumentException("Windows file " + source + " has no entry for \"" + key + "\"; add"
                    + " \"" + key + "\": [[start, end], ...] to it ([] if the file has no anomalies), or give --windows"
                    + " a windows file that labels it");
        }
        return w;
    }

    /**
     * The entry that labels {@code dataFile}: {@code chosen} when given, else the key that is the
     * longest trailing part of the file's path ({@code realKnownCause/nyc_taxi.csv} for
     * {@code .../data/realKnownCause/nyc_taxi.csv}), else the only key with the file's name.
     */
    public String keyFor(Path dataFile, String chosen) {
        if (chosen != null) {
            if (!entries.containsKey(chosen)) {
                throw new IllegalArgumentException("--windows-key \"" + chosen + "\" is not an entry of windows file "
                        + source + "; its entries: " + listed(keys()));
            }
            return chosen;
        }
        Path path = dataFile.toAbsolutePath().normalize();
        String best = null;
        int bestParts = 0;
        for (String key : entries.keySet()) {
            Path k = keyPath(key);
            if (k != null && k.getNameCount() > bestParts && path.endsWith(k)) {
                best = key;
                bestParts = k.getNameCount();
            }
        }
        if (best != null) {
            return best;
        }
        String name = path.getFileName().toString();
        List<String> sameName = entries.keySet().stream()
                .filter(key -> keyPath(key) != null && keyPath(key).getFileName().toString().equals(name)).toList();
        if (sameName.size() == 1) {
            return sameName.get(0);
        }
        if (sameName.size() > 1) {
            throw new IllegalArgumentException("Several entries of windows file " + source + " are named " + name + ": "
                    + listed(sameName) + "; choose one with --windows-key");
        }
        throw new IllegalArgumentException("Windows file " + source + " has no entry for " + dataFile + "; entries match"
                + " by the end of the file's path (\"realKnownCause/nyc_taxi.csv\" labels .../realKnownCause/nyc_taxi.csv)"
                + " or by its name. Its entries: " + listed(keys()) + ". Choose one with --windows-key, or give --windows"
                + " the windows file of this data");
    }

    private static Path keyPath(String key) {
        try {
            Path p = Path.of(key.replace('\\', '/')).normalize();
            return p.getFileName() == null ? null : p;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private static String listed(java.util.Collection<String> keys) {
        List<String> quoted = keys.stream().map(k -> "\"" + k + "\"").toList();
        if (quoted.isEmpty()) {
            return "none";
        }
        return quoted.size() <= 12 ? String.join(", ", quoted)
                : String.join(", ", quoted.subList(0, 12)) + " and " + (quoted.size() - 12) + " more";
    }

    /**
     * The windows of {@code key} as inclusive row ranges of {@code history}, in time order. Every
     * limit must be the time of a row of the file, as in NAB's labels.
     */
    public List<int[]> rows(String key, HistoryFile history, Path dataFile) {
        List<int[]> out = new ArrayList<>();
        for (Window w : windows(key)) {
            out.add(new int[] {row(history, w.start(), w, key, dataFile), row(history, w.end(), w, key, dataFile)});
        }
        out.sort(Comparator.comparingInt(r -> r[0]));
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i)[0] <= out.get(i - 1)[1]) {
                throw new IllegalArgumentException("Windows of \"" + key + "\" in " + source + " overlap (rows "
                        + out.get(i - 1)[0] + "-" + out.get(i - 1)[1] + " and " + out.get(i)[0] + "-" + out.get(i)[1]
                        + " of " + dataFile + "); merge them into one window");
            }
        }
        return out;
    }

    private int row(HistoryFile history, String text, Window w, String key, Path dataFile) {
        Long ts = labelTime(text);
        if (ts == null) {
            try {
                ts = history.format().parseTime(text);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Window [\"" + w.start() + "\", \"" + w.end() + "\"] of \"" + key
                        + "\" in " + source + ": '" + text + "' is not a time; write times as yyyy-MM-dd HH:mm:ss.SSSSSS"
                        + " (UTC), as NAB does, or as the data file " + dataFile + " writes them");
            }
        }
        int row = history.rowOf(ts);
        if (row < 0) {
            String span = history.rows() == 0 ? "it has no rows"
                    : "its rows run from " + Instant.ofEpochMilli(history.time(0)) + " to "
                    + Instant.ofEpochMilli(history.time(history.rows() - 1));
            throw new IllegalArgumentException("Window [\"" + w.start() + "\", \"" + w.end() + "\"] of \"" + key + "\" in "
                    + source + ": " + text + " is not a timestamp of " + dataFile + " (" + span + "); a window's start and"
                    + " end must be times of rows of the file, as in NAB's labels. Check that the windows file labels"
                    + " this version of the file, or correct the window");
        }
        return row;
    }
}
