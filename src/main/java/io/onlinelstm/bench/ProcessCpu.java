package io.onlinelstm.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time this process has used, from /proc: the whole process, and its JIT compiler threads apart.
 * Wall-clock rates on a shared machine say as much about the neighbours as about the job; CPU per
 * reading in a trial at a fixed rate does not, so a trial reports it beside its lag. The JIT is
 * apart because it still compiles in the first trials after the warm-up and settles later.
 */
record ProcessCpu(long totalTicks, long jitTicks) {

    /** Linux's USER_HZ, the unit of /proc's utime and stime, on every architecture the JDK supports. */
    static final double TICKS_PER_SECOND = 100;

    /** Now; null where /proc is not there (not Linux), so callers report nothing rather than zero. */
    static ProcessCpu now() {
        try {
            long total = ticks(Files.readString(Path.of("/proc/self/stat")));
            long jit = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path task : tasks) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        if (isCompiler(stat)) {
                            jit += ticks(stat);
                        }
                    } catch (IOException ended) {
                        // The thread ended between the listing and the read.
                    }
                }
            }
            return new ProcessCpu(total, jit);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** CPU seconds from {@code earlier} to this snapshot: {total, JIT}. */
    double[] secondsSince(ProcessCpu earlier) {
        return new double[] {(totalTicks - earlier.totalTicks) / TICKS_PER_SECOND,
                (jitTicks - earlier.jitTicks) / TICKS_PER_SECOND};
    }

    /**
     * HotSpot names them "C1 CompilerThread0", "C2 CompilerThread1". A compiler thread that ends (their
     * number follows the queue) takes its time with it, so the JIT figure is a lower bound.
     */
    private static boolean isCompiler(String stat) {
        int open = stat.indexOf('(');
        return stat.startsWith("C1 Compiler", open + 1) || stat.startsWith("C2 Compiler", open + 1);
    }

    /** utime + stime: fields 14 and 15, counted after the command name, which may hold spaces. */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
