package io.onlinelstm.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as the official Flink image's user (uid and gid 9999), the way its containers run:
 * through setpriv, which only root may use. Not root, or no setpriv: the replay cannot tell a root's
 * file from flink's, so the tests that need it are skipped with {@link #whyUnavailable()}.
 */
final class SpareUser {

    /** flink's uid and gid in apache/flink-docker's images (groupadd/useradd --gid/--uid 9999). */
    static final int ID = 9999;

    private SpareUser() {
    }

    /** Empty when commands can run as {@link #ID}; otherwise why not, for a skipped test's message. */
    static Optional<String> whyUnavailable() {
        try {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (uid != 0) {
                return Optional.of("runs as uid " + uid + ", and only root can create root-owned files and switch to uid " + ID);
            }
            Result id = run(List.of("id", "-u"), Map.of(), Path.of("/"));
            if (id.exit() != 0 || !id.output().strip().equals(String.valueOf(ID))) {
                return Optional.of("setpriv could not switch to uid " + ID + ": " + id.output().strip());
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("cannot run setpriv as uid " + ID + " here (" + e + ")");
        }
    }

    /** What a command printed (stdout and stderr together) and its exit status. */
    record Result(int exit, String output) {
    }

    static Result run(List<String> command, Map<String, String> env, Path workDir) throws IOException {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + ID, "--regid=" + ID, "--clear-groups", "--"));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
