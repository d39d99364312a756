package io.onlinelstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
                List.of("bench", "nab"), List.of("bench", "gpu"), List.of("bench", "scale"))) {
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
    void benchStepListsEveryModelOption() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.execute("bench", "step", "--help");
        for (String option : List.of("--hidden-size", "--layers", "--horizon", "--features", "--dropout", "--seed",
                "--device", "--batches", "--train-batch", "--train-window")) {
            assertTrue(out.toString().contains(option), "missing " + option);
        }
    }

    @Test
    void invalidModelOptionIsReportedNamingTheField() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("bench", "step", "--hidden-size", "0", "--seconds", "0.01", "--warmup-seconds", "0");
        assertEquals(2, code);
        assertTrue(err.toString().contains("LstmConfig.hiddenSize must be between 1 and 4096, got 0"), err.toString());
    }

    @Test
    void benchStepPrintsOneJsonLinePerMeasurement() throws Exception {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute("bench", "step", "--device", "cpu", "--hidden-size", "8", "--batches", "1,4",
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
    void runRefusesAnUnknownOptionListingTheValidOnes() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("run", "--kafka.bootstrap-server", "x:9092"));
        assertTrue(err.toString().contains("Unknown option --kafka.bootstrap-server. Valid options: "), err.toString());
        assertTrue(err.toString().contains("--kafka.bootstrap-servers"), err.toString());
    }
}
