package io.onlinelstm.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary folder (under the system's temporary directory unless given another) that is deleted on {@link #close()}, or when the
 * JVM exits before that (Ctrl-C, SIGTERM). An embedded broker's log reaches gigabytes in a
 * benchmark; without the exit hook every interrupted run left its folder behind in /tmp.
 */
public final class TemporaryFolder implements AutoCloseable {

    private final Path path;
    private final Thread onExit;

    private TemporaryFolder(Path path) {
        this.path = path;
        // Nothing but java.nio in the hook: a logging framework first loaded at exit fails to start.
        this.onExit = new Thread(() -> deleteRecursively(path), "delete-" + path.getFileName());
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** The system's temporary directory ({@code java.io.tmpdir}). */
    public static Path systemTemp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** A folder under the system's temporary directory. */
    public static TemporaryFolder create(String prefix) throws IOException {
        return create(systemTemp(), prefix);
    }

    /** A folder under {@code parent}, made if missing. */
    public static TemporaryFolder create(Path parent, String prefix) throws IOException {
        Files.createDirectories(parent);
        return new TemporaryFolder(Files.createTempDirectory(parent, prefix));
    }

    public Path path() {
        return path;
    }

    /** Deletes the folder now and forgets the exit hook. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // The JVM is exiting: the hook deletes the folder.
            return;
        }
        deleteRecursively(path);
    }

    /**
     * Deletes {@code dir} and everything in it, best effort: what cannot be deleted (a file still
     * open elsewhere) stays. Logs nothing, so the exit hook can use it.
     *
     * @return the first path that could not be deleted; null when nothing is left
     */
    public static Path deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return null;
        }
        Path[] left = {null};
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    if (left[0] == null) {
                        left[0] = p;
                    }
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return dir;
        }
        return left[0];
    }
}
