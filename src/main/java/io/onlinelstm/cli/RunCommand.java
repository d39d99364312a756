package io.onlinelstm.cli;

import io.onlinelstm.job.ForecastJob;
import io.onlinelstm.job.JobConfig;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the forecasting job on a local Flink (the same job flink run starts on a cluster). */
@Command(name = "run",
        description = "Run the forecasting job against a Kafka cluster on a local Flink (flink run of the jar starts"
                + " the same job on a cluster).")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Mixin
    JobOptionArgs jobOptions;

    @Override
    public Integer call() throws Exception {
        JobConfig config = jobOptions.config();
        if (config.get(io.onlinelstm.job.JobOptions.CHECKPOINT_STORAGE).isBlank()) {
            // A local Flink keeps checkpoints in the JobManager's memory, limited to 5 MB: far too
            // little for many series, and lost on exit. Keep them on disk instead.
            java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("user.home"), ".cache", "online-lstm", "checkpoints");
            config = config.with(java.util.Map.of(io.onlinelstm.job.JobOptions.CHECKPOINT_STORAGE.key(), dir.toUri().toString()));
        }
        ForecastJob.run(StreamExecutionEnvironment.getExecutionEnvironment(io.onlinelstm.job.LoopbackFlink.configuration()), config);
        return 0;
    }

    /** The footer lists the job options from their one definition. */
    static String footer() {
        return JobConfig.helpText();
    }
}
