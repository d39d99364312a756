package io.onlinelstm.job;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C (SIGINT, SIGTERM) into a request that the foreground loop of a command sees, and
 * holds the JVM's exit until that loop has cleaned up (cancelled its job, closed its clients) or a
 * grace period has passed. Without it the JVM would exit under a running local Flink job.
 */
public final class StopOnSignal implements AutoCloseable {

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    /** Registers the shutdown hook; {@link #close()} (after cleaning up) releases it. */
    public StopOnSignal(String name, Duration grace) {
        hook = new Thread(() -> {
            stopRequested.countDown();
            try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Counted down on a signal; also by {@link #requestStop()}. */
    public CountDownLatch stopRequested() {
        return stopRequested;
    }

    /** Asks the loop to stop as a signal would (for callers that embed a command, and tests). */
    public void requestStop() {
        stopRequested.countDown();
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running and waits for 'finished'
        }
    }
}
