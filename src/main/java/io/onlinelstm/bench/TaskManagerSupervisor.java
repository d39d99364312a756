package io.onlinelstm.bench;

import io.onlinelstm.cluster.LocalClusterScript;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts the local cluster's TaskManagers that have died, as Kubernetes restarts a pod's
 * container: a job's recovery is then measured the way it runs in production, where a lost
 * TaskManager comes back, rather than on whatever capacity survived. A TaskManager can die
 * without being killed: Flink terminates one whose task threw while cleaning up after a failure.
 */
final class TaskManagerSupervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskManagerSupervisor.class);
    private static final long CHECK_EVERY_MILLIS = 1_000;

    private final LocalClusterScript cluster;
    private final int taskManagers;
    private final PrintStream out;
    private final AtomicInteger restarts = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    TaskManagerSupervisor(LocalClusterScript cluster, int taskManagers, PrintStream out) {
        this.cluster = cluster;
        this.taskManagers = taskManagers;
        this.out = out;
        this.thread = new Thread(this::watch, "taskmanager-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    /** TaskManager processes started again so far. */
    int restarts() {
        return restarts.get();
    }

    private void watch() {
        while (running) {
            try {
                List<String> dead = dead();
                if (!dead.isEmpty()) {
                    out.printf(Locale.ROOT, "supervisor: %s not running, starting again%n", String.join(", ", dead));
                    for (String name : dead) {
                        // A new pod starts with empty local disks; a dead process's RocksDB files are of no use (the
                        // job restores from its checkpoint), and at 10 M series they are gigabytes.
                        SoakBenchmark.deleteRecursively(cluster.state().resolve("tmp").resolve(name.replace("taskmanager-", "tm-")));
                    }
                    // The script starts only what is not running.
                    cluster.start();
                    restarts.addAndGet(dead.size());
                }
                Thread.sleep(CHECK_EVERY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                // The next round tries again; a cluster that cannot start at all shows as no recovery.
                LOG.warn("Could not restart the local cluster's TaskManagers: {}", e.getMessage());
            }
        }
    }

    private List<String> dead() throws IOException {
        List<String> dead = new ArrayList<>();
        for (int i = 1; i <= taskManagers; i++) {
            String name = "taskmanager-" + i;
            boolean alive = ProcessHandle.of(cluster.pid(name)).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                dead.add(name);
            }
        }
        return dead;
    }

    /** Stops watching; waits for a restart in progress (never interrupted halfway: its processes would be orphaned). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
