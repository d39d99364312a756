package io.onlinelstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.job.JobConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command takes the job's options the same way, and every command refuses a bad one, or a
 * bad value of its own options, with one line naming the option as typed, before it starts
 * anything (a test that started a broker or Flink here would time out).
 */
@Timeout(60)
class JobOptionArgsTest {

    /** Every command with job options, with the positional parameters it needs. */
    static Stream<List<String>> commandsWithJobOptions() {
        return Stream.of(List.of("run"), List.of("demo"), List.of("replay", "history.csv"), List.of("cluster", "submit"),
                List.of("bench", "step"), List.of("bench", "memory"), List.of("bench", "pipeline"),
                List.of("bench", "training"), List.of("bench", "nab", "nab-folder"), List.of("bench", "gpu"),
                List.of("bench", "soak"), List.of("bench", "scale"), List.of("bench", "state"), List.of("bench", "latency"));
    }

    @ParameterizedTest
    @MethodSource("commandsWithJobOptions")
    void everyCommandTakesJobOptionsInEverySpelling(List<String> command) {
        for (List<String> spelling : List.of(List.of("--model.hidden-size", "32"), List.of("--model.hidden-size=32"),
                List.of("--job-option", "model.hidden-size=32"))) {
            JobOptionArgs parsed = parse(command, spelling);
            assertEquals(Map.of("model.hidden-size", "32"), parsed.values(), command + " " + spelling);
            assertEquals(32, parsed.config().model().hiddenSize(), command + " " + spelling);
        }
    }

    @Test
    void jobOptionsMayStandBeforeThePositionalParameter() {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult result = cl.parseArgs("replay", "--model.layers", "1", "history.csv", "--model.device", "cpu");
        ReplayCommand replay = (ReplayCommand) result.subcommand().commandSpec().userObject();
        assertEquals("history.csv", replay.file.toString());
        assertEquals(Map.of("model.layers", "1", "model.device", "cpu"), replay.jobOptions.values());
    }

    @Test
    void theDirectSpellingWinsOverTheAliasAndFallbackNamesAreKnown() {
        JobOptionArgs parsed = parse(List.of("bench", "state"),
                List.of("--job-option", "model.layers=3", "--model.layers", "1", "--initial-model", ""));
        assertEquals("1", parsed.values().get("model.layers"));
        assertEquals("", parsed.values().get("model.initial"));
    }

    @ParameterizedTest
    @MethodSource("commandsWithJobOptions")
    void everyCommandRefusesABadValueNamingTheOptionAndItsRange(List<String> command) {
        assertOneLineError(with(command, "--model.hidden-size", "0"),
                "error: invalid value for --model.hidden-size: must be an integer from 1 to 4096, got 0");
        assertOneLineError(with(command, "--job-option", "model.layers=17"),
                "error: invalid value for --job-option model.layers=17: must be an integer from 1 to 16, got 17");
        assertOneLineError(with(command, "--model.dropout", "lots"),
                "error: invalid value for --model.dropout: must be a number, got 'lots'");
    }

    @ParameterizedTest
    @MethodSource("commandsWithJobOptions")
    void everyCommandRefusesAnUnknownOptionSuggestingTheCloseOnes(List<String> command) {
        assertOneLineError(with(command, "--model.hiden-size", "32"),
                "error: unknown option --model.hiden-size; did you mean --model.hidden-size?");
        assertOneLineError(with(command, "--job-option", "model.hiden-size=32"),
                "error: unknown job option 'model.hiden-size' in --job-option model.hiden-size=32; did you mean model.hidden-size?");
    }

    @Test
    void benchsOldModelFlagsAreGoneAndPointToTheJobOptions() {
        assertOneLineError(List.of("bench", "step", "--hidden-size", "32"),
                "error: unknown option --hidden-size; did you mean --model.hidden-size?");
        assertOneLineError(List.of("bench", "memory", "--device", "cpu"), "error: unknown option --device;");
    }

    @Test
    void choicesDurationsAndCombinationsAreCheckedUnderTheirNames() {
        assertOneLineError(List.of("demo", "--model.device", "tpu"),
                "error: invalid value for --model.device: must be auto, cpu, gpu or gpu:N");
        assertOneLineError(List.of("run", "--training.mode", "sometimes"),
                "error: invalid value for --training.mode: must be one of off, async, inline, got 'sometimes'");
        assertOneLineError(List.of("run", "--checkpoint.interval", "soon"),
                "error: invalid value for --checkpoint.interval: must be a duration such as 500 ms, 10 s or 5 min, got 'soon'");
        assertOneLineError(List.of("run", "--forecaster.bundle-size", "0"),
                "error: invalid value for --forecaster.bundle-size: must be an integer >= 1, got 0");
        assertOneLineError(List.of("run", "--job.parallelism", "0"),
                "error: invalid value for --job.parallelism: must be an integer >= 1, or -1 for Flink's default, got 0");
        assertOneLineError(List.of("run", "--training.holdout-windows", "500", "--training.buffer-windows", "300"),
                "error: invalid job options: --training.holdout-windows (500) must be below --training.buffer-windows (300)");
    }

    @Test
    void kafkaPropertiesNeverReachTheMessage() {
        String secret = "sasl.jaas.config:hunter2,broken";
        for (List<String> args : List.of(List.of("run", "--kafka.properties", secret),
                List.of("run", "--job-option", "kafka.properties=" + secret))) {
            String err = execute(args).err();
            assertTrue(err.startsWith("error: invalid value for --"), err);
            assertFalse(err.contains("hunter2"), err);
        }
    }

    /** Numeric options of the commands themselves: each refused before anything starts, by name. */
    static Stream<List<String>> badOwnOptions() {
        return Stream.of(
                List.of("demo", "--rate", "-5", "invalid value for --rate: must be a number > 0, got -5"),
                List.of("demo", "--rate", "0", "invalid value for --rate: must be a number > 0, got 0"),
                List.of("demo", "--series", "0", "invalid value for --series: must be an integer >= 1, got 0"),
                List.of("demo", "--bad-rate", "1.5", "invalid value for --bad-rate: must be a number from 0 to 1, got 1.5"),
                List.of("demo", "--duration", "-5s", "invalid value for --duration: must be a duration"),
                List.of("demo", "--duration", "soon", "invalid value for --duration: must be a duration such as 500ms, 60s or 5min, got 'soon'"),
                List.of("demo", "--status-every", "0", "invalid value for --status-every: must be a duration >= 100 ms"),
                List.of("demo", "--parallelism", "0", "invalid value for --parallelism: must be an integer >= 1, got 0"),
                List.of("demo", "--series", "many", "Invalid value for option '--series': 'many' is not an int"),
                List.of("generate", "--rate", "-5", "invalid value for --rate: must be a number > 0, got -5"),
                List.of("generate", "--series", "0", "invalid value for --series: must be an integer >= 1, got 0"),
                List.of("generate", "--bad-rate", "-0.1", "invalid value for --bad-rate: must be a number from 0 to 1"),
                List.of("replay", "x.csv", "--season", "0", "invalid value for --season: must be an integer >= 1, got 0"),
                List.of("replay", "x.csv", "--format", "tall", "invalid value for --format: must be one of wide, long, got 'tall'"),
                List.of("replay", "x.csv", "--eval-rows", "10-20", "invalid value for --eval-rows: must be FROM:TO, 0-based row numbers with FROM < TO, got '10-20'"),
                List.of("replay", "x.csv", "--fit-rows", "20:10", "invalid value for --fit-rows: must be FROM:TO"),
                List.of("bench", "step", "--batches", "1,0", "invalid value for --batches: every value must be an integer >= 1, got 0"),
                List.of("bench", "step", "--seconds", "0", "invalid value for --seconds: must be a number > 0, got 0"),
                List.of("bench", "memory", "--steps", "0", "invalid value for --steps: must be an integer >= 1, got 0"),
                List.of("bench", "pipeline", "--keys", "0", "invalid value for --keys: must be an integer >= 1, got 0"),
                List.of("bench", "pipeline", "--state-backend", "disk", "invalid value for --state-backend: must be one of hashmap, rocksdb, forst"),
                List.of("bench", "training", "--repeats", "0", "invalid value for --repeats: must be an integer >= 1, got 0"),
                List.of("bench", "gpu", "--seconds", "-1", "invalid value for --seconds: must be a number > 0, got -1"),
                List.of("bench", "soak", "--rate", "0", "invalid value for --rate: must be a number > 0, got 0"),
                List.of("bench", "scale", "--series", "0", "invalid value for --series: every value must be an integer >= 1, got 0"),
                List.of("bench", "scale", "--backends", "forst", "invalid value for --backends: must be one of hashmap, rocksdb"),
                List.of("bench", "state", "--readings", "0", "invalid value for --readings: must be an integer >= 1, got 0"));
    }

    @ParameterizedTest
    @MethodSource("badOwnOptions")
    void ownNumericOptionsAreRangeChecked(List<String> argsAndMessage) {
        List<String> args = argsAndMessage.subList(0, argsAndMessage.size() - 1);
        assertOneLineError(args, "error: " + argsAndMessage.get(argsAndMessage.size() - 1));
    }

    @Test
    void aNegativeDemoRateIsRefusedInsteadOfSendingUnthrottled() {
        Result r = execute(List.of("demo", "--rate", "-5"));
        assertEquals(2, r.code());
        assertEquals("error: invalid value for --rate: must be a number > 0, got -5 (see 'online-lstm demo --help')",
                r.err().trim());
    }

    @Test
    void jobConfigItselfNamesTheOptionNotTheModelField() {
        // The second line of defence for flink run, which does not go through picocli.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(List.of("--model.hidden-size", "0")));
        assertEquals("Invalid value for --model.hidden-size: must be an integer from 1 to 4096, got 0", e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(List.of("--model.hiden-size", "8")));
        assertTrue(unknown.getMessage().startsWith("Unknown option --model.hiden-size. Did you mean --model.hidden-size?"),
                unknown.getMessage());
    }

    private static JobOptionArgs parse(List<String> command, List<String> options) {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult result = cl.parseArgs(with(command, options.toArray(String[]::new)).toArray(String[]::new));
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec().mixins().values().stream().map(m -> m.userObject())
                .filter(JobOptionArgs.class::isInstance).map(JobOptionArgs.class::cast).findFirst().orElseThrow();
    }

    private static List<String> with(List<String> command, String... options) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of(options));
        return args;
    }

    record Result(int code, String out, String err) {}

    private static Result execute(List<String> args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    private static void assertOneLineError(List<String> args, String expectedStart) {
        Result r = execute(args);
        assertEquals(2, r.code(), args + ": " + r.err());
        assertTrue(r.err().startsWith(expectedStart), args + " printed:\n" + r.err());
        assertEquals(1, r.err().lines().count(), args + " printed more than one line:\n" + r.err());
        assertTrue(r.out().isEmpty(), args + " printed to stdout:\n" + r.out());
    }
}
