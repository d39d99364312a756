package io.onlinelstm.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A folder under the system's temporary directory that is deleted on {@link #close()}, or when the
 * JVM exits before that (Ctrl-C, SIGTERM). An embedded broker's log reaches gigabytes in a
 * benchmark; without the exit hook every interrupted run left its folder behind in /tmp.
 */
public final class TemporaryFolder implements AutoCloseable {

    private final Path path;
    private final Thread onExit;

    private TemporaryFolder(Path path) {
        this.path = path;
        // Nothing but java.nio in the hook: a logging framework first loaded at exit fails to start.
        this.onExit = new Thread(() -> delete(path), "delete-" + path.getFileName());
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** @throws IOException when the folder cannot be created; the message names the prefix */
    public static TemporaryFolder create(String prefix) throws IOException {
        return new TemporaryFolder(Files.createTempDirectory(prefix));
    }

    /** As {@link #create(String)}, under {@code parent} instead of the system's temporary directory. */
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
        delete(path);
    }

    /** Best effort: what cannot be deleted (a file still open elsewhere) stays. */
    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left behind; the next file may still go
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // the folder is gone already, or unreadable: nothing more to do
        }
    }
}
