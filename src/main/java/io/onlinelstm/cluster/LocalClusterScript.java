package io.onlinelstm.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives deploy/local/cluster.sh, the local cluster of real processes (Kafka broker, JobManager,
 * TaskManagers): start and stop them, submit the job, stop it with a savepoint. Used by the soak
 * benchmark and the cluster fault tests.
 */
public final class LocalClusterScript {

    private final Path root;
    private final Path state;
    private final int kafkaPort;
    private final boolean mayBuild;

    /**
     * @param root the project folder (holds deploy/local/cluster.sh and target/)
     * @param state where the cluster keeps pids, logs, Kafka data, checkpoints
     * @param mayBuild let the script rebuild the jar when sources are newer; false while other
     *     processes use the jars in target/
     */
    public LocalClusterScript(Path root, Path state, int kafkaPort, boolean mayBuild) {
        this.root = root;
        this.state = state;
        this.kafkaPort = kafkaPort;
        this.mayBuild = mayBuild;
    }

    public String servers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public Path state() {
        return state;
    }

    /** Starts every process that is not running (all of them the first time). */
    public void start() throws IOException, InterruptedException {
        run(List.of("start"));
    }

    /** Stops every process. */
    public void stop() throws IOException, InterruptedException {
        run(List.of("stop"));
    }

    /** Submits the job jar with these job options; returns the job id. */
    public String submit(List<String> options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("submit"));
        args.addAll(options);
        return lastLine(run(args));
    }

    public String submitFromSavepoint(String savepoint, List<String> options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("submit", "--from-savepoint", savepoint));
        args.addAll(options);
        return lastLine(run(args));
    }

    /** Stops the job with a savepoint; returns the savepoint's path. */
    public String stopWithSavepoint(String jobId) throws IOException, InterruptedException {
        return lastLine(run(List.of("stop-job", jobId)));
    }

    /** The pid of kafka, jobmanager or taskmanager-N. */
    public long pid(String process) throws IOException {
        return Long.parseLong(Files.readString(state.resolve(process + ".pid")).trim());
    }

    /** What the process wrote to its console (logs/NAME.out). */
    public String log(String process) throws IOException {
        return Files.readString(state.resolve("logs").resolve(process + ".out"));
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("deploy/local/cluster.sh").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        pb.environment().put("ONLINE_LSTM_CLUSTER_DIR", state.toString());
        pb.environment().put("ONLINE_LSTM_KAFKA_PORT", String.valueOf(kafkaPort));
        if (!mayBuild) {
            pb.environment().put("ONLINE_LSTM_NO_BUILD", "1");
        }
        // Output to a file, not a pipe: reading a pipe would block past the timeout if the script hung.
        Path output = Files.createTempFile("online-lstm-cluster-", ".out");
        pb.redirectOutput(output.toFile());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String out;
        try {
            if (!p.waitFor(6, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("cluster.sh " + args.get(0) + " did not finish within 6 minutes; see " + state.resolve("logs"));
            }
            out = Files.readString(output, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(output);
        }
        if (p.exitValue() != 0) {
            throw new IOException("cluster.sh " + String.join(" ", args) + " failed (exit " + p.exitValue() + "):\n" + out
                    + "\nSee the process logs in " + state.resolve("logs"));
        }
        return out;
    }

    private static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}
