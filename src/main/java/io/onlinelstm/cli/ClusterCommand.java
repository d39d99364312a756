package io.onlinelstm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The local cluster of real processes (deploy/local/cluster.sh): a Kafka broker, a JobManager and
 * TaskManagers on loopback. The script does the work; this command gives it a place in --help and
 * checks job options here, in Java, so that a bad one is refused like 'run' refuses it instead of
 * by the cluster's REST API after the jar is uploaded.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "A Flink cluster of real processes plus a Kafka broker on this machine, on loopback"
                + " (deploy/local/cluster.sh; state in target/local-cluster or $ONLINE_LSTM_CLUSTER_DIR).",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class,
                ClusterCommand.Submit.class, ClusterCommand.StopJob.class})
final class ClusterCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // 'cluster' alone is a usage error: it names no action.
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "cluster needs a subcommand: start, stop, status, submit or stop-job");
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the broker, the JobManager (Web UI http://127.0.0.1:8081) and the TaskManagers that are not running.")
    static final class Start implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return script(List.of("start"));
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop every process of the cluster.")
    static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return script(List.of("stop"));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print which processes run and the JobManager's overview.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return script(List.of("status"));
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Submit the forecasting job to the running cluster (Kafka servers, model store and checkpoint"
                    + " folder point into the cluster's state unless given); prints the job id.")
    static final class Submit implements Callable<Integer> {

        @Option(names = "--from-savepoint", paramLabel = "PATH", description = "Restore from this savepoint (as 'stop-job' printed it).")
        String savepoint;

        @Mixin
        JobOptionArgs jobOptions;

        @Override
        public Integer call() throws Exception {
            jobOptions.config();
            List<String> args = new ArrayList<>(List.of("submit"));
            if (savepoint != null) {
                args.addAll(List.of("--from-savepoint", savepoint));
            }
            jobOptions.values().forEach((name, value) -> args.addAll(List.of("--" + name, value)));
            return script(args);
        }
    }

    @Command(name = "stop-job", mixinStandardHelpOptions = true,
            description = "Stop a job with a savepoint under the cluster's folder; prints the savepoint's path for"
                    + " 'submit --from-savepoint'.")
    static final class StopJob implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job's id, as 'submit' printed it.")
        String jobId;

        @Override
        public Integer call() throws Exception {
            if (!jobId.matches("[0-9a-fA-F]{32}")) {
                throw new InvalidOptionException("invalid JOB_ID '" + jobId + "': a Flink job id is 32 hexadecimal"
                        + " digits, as 'cluster submit' printed it (or see 'cluster status')");
            }
            return script(List.of("stop-job", jobId));
        }
    }

    /** Runs deploy/local/cluster.sh with these arguments, its output on this process's; returns its exit code. */
    static int script(List<String> args) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("online-lstm.home", ".")).toAbsolutePath().normalize();
        Path script = root.resolve("deploy/local/cluster.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("cannot run " + script + ": run from the project folder, or through bin/online-lstm"
                    + " (which sets -Donline-lstm.home)");
        }
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(args);
        return new ProcessBuilder(command).directory(root.toFile()).inheritIO().start().waitFor();
    }
}
