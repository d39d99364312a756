package io.onlinelstm.job;

import java.io.PrintStream;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/**
 * The foreground loop of a job on the local Flink (demo, run): reads the job's committed output and
 * prints a status line every interval, until a stop is requested, a deadline passes, or the job
 * ends on its own (then it says how, instead of printing counts of a dead job for ever).
 */
public final class StatusLoop {

    /** The job ended without being asked to. */
    public static final class JobEndedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JobEndedException(String message) {
            super(message, null, false, false);
        }
    }

    private StatusLoop() {}

    /**
     * @param deadlineNanos {@link System#nanoTime()} to stop at; {@link Long#MAX_VALUE} for none
     * @param sent readings sent by a generator in this process, or null
     */
    public static void run(JobClient job, OutputMonitor monitor, Duration every, long deadlineNanos,
                           CountDownLatch stop, LongSupplier sent, PrintStream out) throws Exception {
        long startNanos = System.nanoTime();
        long intervalStart = startNanos;
        while (stop.getCount() > 0 && System.nanoTime() < deadlineNanos) {
            long left = Math.min(deadlineNanos - System.nanoTime(), intervalStart + every.toNanos() - System.nanoTime());
            monitor.poll(Duration.ofNanos(Math.max(0, left)));
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState() && stop.getCount() > 0) {
                throw new JobEndedException("the job stopped by itself (" + status + ")" + failure(job) + logHint());
            }
            long now = System.nanoTime();
            if (now - intervalStart >= every.toNanos() || now >= deadlineNanos) {
                out.println(monitor.statusLine((now - startNanos) / 1_000_000_000L, (now - intervalStart) / 1e9,
                        sent == null ? OptionalLong.empty() : OptionalLong.of(sent.getAsLong())));
                intervalStart = now;
            }
        }
    }

    private static String failure(JobClient job) {
        try {
            job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
            return "";
        } catch (ExecutionException e) {
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return ": " + t;
        } catch (Exception e) {
            return "";
        }
    }

    private static String logHint() {
        String logFile = System.getProperty("online-lstm.log.file");
        return logFile == null ? "" : "; the full log is in " + logFile;
    }
}
