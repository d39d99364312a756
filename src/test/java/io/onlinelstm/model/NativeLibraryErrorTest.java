package io.onlinelstm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without the native jars and with an empty cache, offline DJL cannot find PyTorch: the launcher
 * must say so in one clear error, not a stack of DJL internals, and must not try to download.
 */
class NativeLibraryErrorTest {

    @Test
    void missingNativesGiveOneClearError(@TempDir Path emptyCache) throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("pytorch-native") && !entry.contains("pytorch-jni"))
                .collect(Collectors.joining(File.pathSeparator));
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                javaBin.toString(), "-cp", classpath,
                "-DDJL_CACHE_DIR=" + emptyCache, "-DENGINE_CACHE_DIR=" + emptyCache,
                "io.onlinelstm.cli.Main", "version", "--engine"));
        pb.environment().remove("DJL_CACHE_DIR");
        pb.redirectErrorStream(true);
        Process process = pb.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("error: Could not load the PyTorch native library through DJL"), output);
        assertTrue(output.contains("pytorch-native-cpu"), output);
        assertTrue(output.contains(emptyCache.toString()), output);
        try (var files = Files.list(emptyCache)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".so")), "natives appeared in the cache");
        }
    }
}
