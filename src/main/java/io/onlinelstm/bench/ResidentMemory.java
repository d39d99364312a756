package io.onlinelstm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of a process (heap, native allocations and mapped libraries) from /proc. */
public final class ResidentMemory {

    private ResidentMemory() {}

    /** VmRSS of this process in MiB, or -1 where /proc/self/status is not available (not Linux). */
    public static double megabytes() {
        return megabytes("self");
    }

    /** VmRSS of another process on this machine in MiB, or -1 where /proc does not show it. */
    public static double megabytes(long pid) {
        return megabytes(String.valueOf(pid));
    }

    private static double megabytes(String process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", process, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
