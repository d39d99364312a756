package io.onlinelstm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The first fatal JVM error in a local cluster's process logs, so that a bench whose job stopped
 * making progress says why instead of waiting out its time limit.
 */
final class ProcessLogFaults {

    /** Markers of a process that cannot go on; the first line holding one is reported. */
    private static final List<String> FATAL = List.of("java.lang.OutOfMemoryError", "FATAL");

    private ProcessLogFaults() {}

    // ISO-8859-1 below: a log may hold any bytes (native crash output), and this only looks for ASCII.

    /** "FILE: LINE" of the first fatal line in the folder's *.out and *.log files, in name order. */
    static Optional<String> first(Path logs) throws IOException {
        if (!Files.isDirectory(logs)) {
            return Optional.empty();
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(logs)) {
            files = listing.filter(p -> p.toString().endsWith(".out") || p.toString().endsWith(".log")).sorted().toList();
        }
        for (Path file : files) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    for (String marker : FATAL) {
                        if (line.contains(marker)) {
                            return Optional.of(file.getFileName() + ": " + line.strip());
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
