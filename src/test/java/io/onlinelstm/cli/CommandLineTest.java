package io.onlinelstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandLineTest {

    @Test
    void everySubcommandHasHelp() {
        for (List<String> command : List.<List<String>>of(List.of(), List.of("version"), List.of("bench"),
                List.of("bench", "step"), List.of("bench", "memory"), List.of("bench", "pipeline"), List.of("demo"),
                List.of("run"), List.of("replay"), List.of("generate"), List.of("bench", "training"),
                List.of("bench", "nab"), List.of("bench", "gpu"), List.of("bench", "scale"), List.of("bench", "soak"),
                List.of("bench", "state"), List.of("bench", "latency"), List.of("cluster"), List.of("cluster", "start"), List.of("cluster", "stop"),
                List.of("cluster", "status"), List.of("cluster", "submit"), List.of("cluster", "stop-job"))) {
            CommandLine cl = Main.commandLine();
            StringWriter out = new StringWriter();
            cl.setOut(new PrintWriter(out));
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--help"))
                    .toArray(String[]::new);
            assertEquals(0, cl.execute(args), "exit code of " + command);
            assertTrue(out.toString().startsWith("Usage: online-lstm"), out.toString());
        }
    }

    @Test
    void benchStepHelpListsItsOptionsAndPointsToTheJobOptions() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.execute("bench", "step", "--help");
        for (String option : List.of("--batches", "--seconds", "--warmup-seconds", "--train-batch", "--train-window",
                "--job-option", "--model.hidden-size 32")) {
            assertTrue(out.toString().contains(option), "missing " + option + " in\n" + out);
        }
        // The model is configured by the job options only: bench's own short flags are gone.
        for (String gone : List.of("--hidden-size ", "--layers ", "--device ", "--seed ")) {
            assertFalse(out.toString().contains(" " + gone), "still lists " + gone + " in\n" + out);
        }
    }

    @Test
    void invalidModelOptionIsReportedUnderTheNameTyped() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("bench", "step", "--model.hidden-size", "0", "--seconds", "0.01", "--warmup-seconds", "0");
        assertEquals(2, code);
        assertEquals("error: invalid value for --model.hidden-size: must be an integer from 1 to 4096, got 0"
                + " (see 'online-lstm bench step --help')", err.toString().trim());
    }

    @Test
    void benchStepPrintsOneJsonLinePerMeasurement() throws Exception {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute("bench", "step", "--model.device", "cpu", "--model.hidden-size", "8", "--batches", "1,4",
                    "--seconds", "0.05", "--warmup-seconds", "0", "--train-batch", "2", "--train-window", "3");
        } finally {
            System.setOut(original);
        }
        assertEquals(0, code);
        String[] lines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).trim().split("\n");
        assertEquals(3, lines.length, String.join("\n", lines));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(1, json.readTree(lines[0]).get("batch").asInt());
        assertEquals("step", json.readTree(lines[1]).get("bench").asText());
        assertEquals(4, json.readTree(lines[1]).get("batch").asInt());
        assertTrue(json.readTree(lines[1]).get("events_per_s").asLong() > 0);
        assertEquals("train", json.readTree(lines[2]).get("bench").asText());
    }

    @Test
    void runHelpListsEveryJobOptionWithItsDefault() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("run", "--help"));
        for (org.apache.flink.configuration.ConfigOption<?> option : io.onlinelstm.job.JobOptions.all()) {
            assertTrue(out.toString().contains("--" + option.key() + " <"), "run --help lacks --" + option.key());
        }
        assertTrue(out.toString().contains("(default: 256)"), out.toString());
    }

    @Test
    void runRefusesAnUnknownOptionNamingTheCloseOnes() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("run", "--kafka.bootstrap-server", "x:9092"));
        assertEquals("error: unknown option --kafka.bootstrap-server; did you mean --kafka.bootstrap-servers?"
                + " (see 'online-lstm run --help')", err.toString().trim());
    }

    @Test
    void replayRefusesAWindowsKeyWithoutAWindowsFile() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("replay", "no-such-file.csv", "--windows-key", "realKnownCause/nyc_taxi.csv"));
        assertEquals("error: --windows-key chooses an entry of a windows file; give --windows FILE too"
                + " (see 'online-lstm replay --help')", err.toString().trim());
    }

    @Test
    void benchLatencyRefusesAnUnknownPhaseBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("bench", "latency", "--rate", "100", "--phases", "at-least-once,exactly-once-2s"));
        assertTrue(err.toString().contains("--phases") && err.toString().contains("exactly-once-2s")
                && err.toString().contains("exactly-once-1s"), err.toString());
    }

    @Test
    void benchScaleRefusesARunLargerThanTheFreeDiskBeforeItStarts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path out) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        // A billion series on RocksDB: terabytes, more than any test machine's disk.
        assertEquals(2, cl.execute("bench", "scale", "--series", "1000000000", "--backends", "rocksdb", "--out", out.toString()));
        assertTrue(err.toString().startsWith("error: 1,000,000,000 series on rocksdb need about ")
                && err.toString().contains("GB are free"), err.toString());
    }
}
