package io.onlinelstm.cli;

import io.onlinelstm.job.ForecastJob;
import io.onlinelstm.job.JobConfig;
import io.onlinelstm.job.JobOptions;
import io.onlinelstm.job.LoopbackFlink;
import io.onlinelstm.job.OutputMonitor;
import io.onlinelstm.job.StatusLoop;
import io.onlinelstm.job.StopOnSignal;
import java.io.PrintStream;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of {@code run}: submits the job to a local Flink with its Web UI, says where to find
 * it, prints status lines read from what the job committed, and cancels the job when asked to stop.
 */
final class LocalRun {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);

    private LocalRun() {}

    /** Runs until {@code signal} asks to stop (Ctrl-C) or the job ends by itself (then throws). */
    static void run(JobConfig config, int webUiPort, Duration statusEvery, PrintStream out, StopOnSignal signal)
            throws Exception {
        Configuration flinkConf = LoopbackFlink.withWebUi(webUiPort);
        out.println("Starting the job on a local Flink ...");
        JobClient job = ForecastJob.start(LoopbackFlink.environmentWithWebUi(flinkConf), config);
        try {
            out.printf("Job %s (%s) submitted. Flink Web UI: %s  (Ctrl-C cancels the job)%n",
                    job.getJobID(), config.get(JobOptions.JOB_NAME), LoopbackFlink.webUiUrl(flinkConf));
            String logFile = System.getProperty("online-lstm.log.file");
            if (logFile != null) {
                out.println("Full log: " + logFile);
            }
            // Only what this run commits: the user's topics may hold a long history.
            try (OutputMonitor monitor = new OutputMonitor(config.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS),
                    config.kafkaProperties(), OutputMonitor.Topics.of(config), false)) {
                StatusLoop.run(job, monitor, statusEvery, Long.MAX_VALUE, signal.stopRequested(), null, out);
            }
            out.printf("Cancelling job %s ...%n", job.getJobID());
        } finally {
            cancel(job, out);
        }
    }

    private static void cancel(JobClient job, PrintStream out) {
        try {
            io.onlinelstm.job.LocalJobs.cancelAndAwait(job, java.time.Duration.ofSeconds(30));
            out.printf("Job %s cancelled.%n", job.getJobID());
        } catch (Exception e) {
            LOG.warn("Cancelling job {}: {}", job.getJobID(), e.toString());
        }
    }
}
