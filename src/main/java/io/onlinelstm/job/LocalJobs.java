package io.onlinelstm.job;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;

/** What the commands that run the job on a local Flink (demo, run, bench) do with it at the end. */
public final class LocalJobs {

    private LocalJobs() {}

    /**
     * Cancels {@code job} unless it has ended, then waits until its result is in: with a local
     * Flink the cluster behind the job is only gone then, so the next job (or the JVM's exit) does
     * not race its shutdown.
     *
     * @throws Exception when the job does not answer or end within {@code wait} at each step
     */
    public static void cancelAndAwait(JobClient job, Duration wait) throws Exception {
        long millis = wait.toMillis();
        if (!job.getJobStatus().get(millis, TimeUnit.MILLISECONDS).isGloballyTerminalState()) {
            job.cancel().get(millis, TimeUnit.MILLISECONDS);
        }
        job.getJobExecutionResult().handle((r, e) -> null).get(millis, TimeUnit.MILLISECONDS);
    }
}
