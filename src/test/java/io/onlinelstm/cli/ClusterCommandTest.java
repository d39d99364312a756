package io.onlinelstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The local cluster's command line: listed in help, usage errors in one line, options checked before submitting. */
@Timeout(60)
class ClusterCommandTest {

    private static final List<String> ACTIONS = List.of("start", "stop", "status", "submit", "stop-job");

    @Test
    void mainHelpListsClusterAndClusterHelpListsItsSubcommands() {
        String main = run(0, "--help").out;
        assertTrue(main.contains("  cluster "), main);
        String help = run(0, "cluster", "--help").out;
        assertTrue(help.startsWith("Usage: online-lstm cluster"), help);
        for (String action : ACTIONS) {
            assertTrue(help.contains("  " + action + " "), "cluster --help lacks " + action + ":\n" + help);
        }
    }

    @Test
    void usageMistakesAreOneLineErrors() {
        assertEquals("error: cluster needs a subcommand: start, stop, status, submit or stop-job (see 'online-lstm cluster --help')",
                run(2, "cluster").err.trim());
        assertEquals("error: Missing required parameter: 'JOB_ID' (see 'online-lstm cluster stop-job --help')",
                run(2, "cluster", "stop-job").err.trim());
        assertTrue(run(2, "cluster", "stop-job", "not-a-job").err.startsWith("error: invalid JOB_ID 'not-a-job'"));
        assertTrue(run(2, "cluster", "restart").err.startsWith("error: unexpected argument 'restart'"));
    }

    @Test
    void submitChecksJobOptionsLikeRunBeforeTheScriptRuns() {
        // No cluster runs here: a check that let this through would fail on the REST API instead.
        for (String command : List.of("run", "cluster submit")) {
            List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
            args.addAll(List.of("--model.hidden-size", "0"));
            String err = run(2, args.toArray(String[]::new)).err.trim();
            assertEquals("error: invalid value for --model.hidden-size: must be an integer from 1 to 4096, got 0"
                    + " (see 'online-lstm " + command + " --help')", err);
        }
    }

    @Test
    void theScriptHasHelpAndAUsageErrorForStopJobWithoutAnId() throws Exception {
        Script help = script("--help");
        assertEquals(0, help.code, help.err);
        for (String action : ACTIONS) {
            assertTrue(help.out.contains("  " + action), help.out);
        }
        Script stopJob = script("stop-job");
        assertEquals(2, stopJob.code);
        assertTrue(stopJob.err.startsWith("error: stop-job needs exactly one JOB_ID"), stopJob.err);
        Script nothing = script();
        assertEquals(2, nothing.code);
        assertTrue(nothing.err.startsWith("usage: "), nothing.err);
    }

    private record Output(String out, String err) {}

    private static Output run(int expectedCode, String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(expectedCode, cl.execute(args), String.join(" ", args) + ": " + err);
        return new Output(out.toString(), err.toString());
    }

    private record Script(int code, String out, String err) {}

    private static Script script(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("deploy/local/cluster.sh"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "cluster.sh " + command + " did not end");
        return new Script(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
