package io.onlinelstm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.cli.Main;
import io.onlinelstm.job.ListeningSockets;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, for 20 seconds: exits 0, writes forecasts, leaves no folder behind,
 * listens on loopback only.
 */
class DemoCommandTest {

    @Test
    void demoRunsTwentySecondsAndExitsCleanlyWithForecastsWritten() throws Exception {
        Set<String> tmpBefore = demoFolders();
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        // Once the job runs, list what this JVM listens on: the demo's broker and Flink must bind loopback only.
        // Waits for the demo's own word that it runs, not a fixed time: a busy machine starts the broker slowly.
        java.util.List<String> exposed = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<String> listening = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread probe = new Thread(() -> {
            try {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
                while (!captured.toString(StandardCharsets.UTF_8).contains("Flink Web UI:") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                // Several looks, not one: on a busy machine one look may come while the broker still
                // binds, or race a descriptor that closes.
                long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                java.util.List<String> seen = java.util.List.of();
                do {
                    try {
                        java.util.List<String> look = ListeningSockets.of(ProcessHandle.current().pid());
                        if (look.size() > seen.size()) {
                            seen = look;
                        }
                    } catch (java.io.IOException | RuntimeException e) {
                        // A table or descriptor that changed while read: look again.
                    }
                    if (seen.size() < 3) {
                        Thread.sleep(200);
                    }
                } while (seen.size() < 3 && System.nanoTime() < until);
                for (String address : seen) {
                    listening.add(address);
                    if (!ListeningSockets.isLoopback(address)) {
                        exposed.add(address);
                    }
                }
            } catch (Exception e) {
                exposed.add("probe failed: " + e);
            }
        });
        probe.start();
        try {
            code = Main.commandLine().execute("demo", "--duration", "20s", "--series", "300", "--rate", "2000",
                    "--bad-rate", "0.01", "--status-every", "5s", "--model.hidden-size", "32");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("Flink Web UI: http://127.0.0.1:"), out);
        assertTrue(out.lines().filter(l -> l.contains("forecasts/s") && l.contains("p99 latency")).count() >= 3,
                "expected a status line every 5 s:\n" + out);
        Matcher m = Pattern.compile("Demo finished: ([\\d,]+) readings sent \\(([\\d,]+) bad\\), ([\\d,]+) forecasts and ([\\d,]+) dead letters")
                .matcher(out);
        assertTrue(m.find(), out);
        long forecasts = Long.parseLong(m.group(3).replace(",", ""));
        long deadLetters = Long.parseLong(m.group(4).replace(",", ""));
        assertTrue(forecasts > 1_000, "forecasts written: " + forecasts);
        assertTrue(deadLetters > 0, "bad records should reach the dead-letter topic");
        assertEquals(tmpBefore, demoFolders(), "the demo left temporary folders behind");
        probe.join();
        assertTrue(listening.size() >= 3, "the broker, its controller and the Web UI listen: " + listening);
        assertTrue(exposed.isEmpty(), "the demo listens beyond loopback: " + exposed);
    }

    private static Set<String> demoFolders() {
        String[] names = new File(System.getProperty("java.io.tmpdir")).list();
        return Arrays.stream(names == null ? new String[0] : names)
                .filter(n -> n.startsWith("online-lstm-demo-") || n.startsWith("online-lstm-kafka-"))
                .collect(Collectors.toSet());
    }
}
