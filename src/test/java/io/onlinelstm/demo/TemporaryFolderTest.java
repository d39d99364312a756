package io.onlinelstm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TemporaryFolderTest {

    @Test
    void closeDeletesTheFolderAndWhatIsInIt() throws Exception {
        Path path;
        try (TemporaryFolder folder = TemporaryFolder.create("online-lstm-test-")) {
            path = folder.path();
            Files.createDirectories(path.resolve("logs/readings-0"));
            Files.writeString(path.resolve("logs/readings-0/00000.log"), "x");
            assertTrue(Files.isDirectory(path));
        }
        assertFalse(Files.exists(path));
    }

    @Test
    void deleteRecursivelyRemovesATreeAndReportsNothingLeft(@org.junit.jupiter.api.io.TempDir Path parent) throws Exception {
        assertEquals(null, TemporaryFolder.deleteRecursively(parent.resolve("never-made")));
        Path dir = Files.createDirectories(parent.resolve("a/b"));
        Files.writeString(dir.resolve("f"), "x");
        assertEquals(null, TemporaryFolder.deleteRecursively(parent.resolve("a")));
        assertFalse(Files.exists(parent.resolve("a")));
        assertTrue(Files.isDirectory(parent), "only the tree asked for goes");
    }

    /** A JVM stopped by SIGTERM (as Ctrl-C stops a benchmark) leaves no folder behind. */
    @Test
    void aSignalledJvmDeletesItsFolderOnTheWayOut() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                HoldsAFolder.class.getName())).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            // Ready when it has printed its folder, which holds a file by then.
            Path path = Path.of(out.readLine());
            assertTrue(Files.isRegularFile(path.resolve("data")), path.toString());
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not exit on SIGTERM");
            assertEquals(143, child.exitValue());
            assertFalse(Files.exists(path), path + " is still there");
        } finally {
            child.destroyForcibly();
        }
    }

    /** The child of {@link #aSignalledJvmDeletesItsFolderOnTheWayOut}: makes a folder and waits to be stopped. */
    public static final class HoldsAFolder {
        public static void main(String[] args) throws Exception {
            TemporaryFolder folder = TemporaryFolder.create("online-lstm-test-");
            Files.writeString(folder.path().resolve("data"), "x");
            System.out.println(folder.path());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }
}
