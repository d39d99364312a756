package io.onlinelstm.cli;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.onlinelstm.demo.DemoGenerator;
import io.onlinelstm.demo.EmbeddedKafka;
import io.onlinelstm.io.KafkaReachability;
import io.onlinelstm.job.JobConfig;
import io.onlinelstm.job.StopOnSignal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code run} prints, against a real broker with the job on a local Flink: the job id and a
 * Web UI that knows that job, status lines counting the forecasts the job committed, and a clean
 * cancel when asked to stop (what Ctrl-C does).
 */
class LocalRunTest {

    private static final Pattern SUBMITTED =
            Pattern.compile("Job ([0-9a-f]{32}) \\(run-test\\) submitted\\. Flink Web UI: (http://127\\.0\\.0\\.1:\\d+) ");
    private static final Pattern FORECASTS = Pattern.compile("\\| forecasts ([\\d,]+) \\| dead letters ([\\d,]+) \\| alerts");

    @Test
    void printsJobIdWebUiAndCommittedCountsThenCancelsOnStop(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "readings", "forecasts", "readings-dlq", "alerts");
            JobConfig config = JobConfig.of(Map.of(
                    "kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "training.mode", "off",
                    "model.hidden-size", "8",
                    "job.parallelism", "1",
                    "job.name", "run-test",
                    "checkpoint.interval", "1 s",
                    "checkpoint.storage", tmp.resolve("checkpoints").toUri().toString(),
                    "model.store", tmp.resolve("models").toUri().toString()));
            // Training off: the model-update topics are not needed, and the check before the run agrees.
            KafkaReachability.check(RunCommand.kafkaCheck(config));

            // Readings keep coming while the job runs, so whenever the status reader starts, there is output after it.
            DemoGenerator generator = new DemoGenerator(kafka.bootstrapServers(), "readings", 20, 200, 0.05);
            Thread generating = new Thread(generator, "test-generator");
            generating.setDaemon(true);
            generating.start();

            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            StopOnSignal signal = new StopOnSignal("run-test", Duration.ofSeconds(60));
            Thread running = new Thread(() -> {
                try {
                    LocalRun.run(config, 0, Duration.ofMillis(500), out, signal);
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    signal.close();
                }
            }, "local-run");
            running.start();
            try {
                await(captured, text -> SUBMITTED.matcher(text).find(), running, failure);
                Matcher submitted = SUBMITTED.matcher(captured.toString(StandardCharsets.UTF_8));
                assertTrue(submitted.find());
                String jobId = submitted.group(1);
                String jobs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(submitted.group(2) + "/jobs"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(jobs.contains(jobId), "the printed Web UI does not know job " + jobId + ": " + jobs);

                // Status lines go on; one of them counts forecasts the job committed.
                await(captured, text -> lastForecastCount(text) > 0, running, failure);

                signal.requestStop();
                running.join(60_000);
                assertNull(failure.get(), () -> "run failed: " + failure.get());
                String text = captured.toString(StandardCharsets.UTF_8);
                assertTrue(text.contains("Job " + jobId + " cancelled."), text);
                assertTrue(!running.isAlive(), "run did not return after the stop request");
            } finally {
                signal.requestStop();
                running.join(60_000);
                generator.stop();
                generating.join(10_000);
            }
        }
    }

    /** Waits until the output satisfies {@code done}; fails with the output if the run ended or took minutes. */
    private static void await(ByteArrayOutputStream captured, Predicate<String> done, Thread running,
                              AtomicReference<Throwable> failure) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!done.test(captured.toString(StandardCharsets.UTF_8))) {
            if (!running.isAlive()) {
                fail("run ended early (" + failure.get() + "):\n" + captured.toString(StandardCharsets.UTF_8));
            }
            if (System.nanoTime() > deadline) {
                fail("run did not get there:\n" + captured.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
    }

    private static long lastForecastCount(String text) {
        Matcher m = FORECASTS.matcher(text);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1).replace(",", ""));
        }
        return last;
    }
}
