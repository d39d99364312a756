package io.onlinelstm.cli;

import io.onlinelstm.BuildInfo;
import io.onlinelstm.job.CloseNames;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of bin/online-lstm. */
@Command(
        name = "online-lstm",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Online LSTM forecasting and incremental training on live streams (Apache Flink + DJL).",
        subcommands = {DemoCommand.class, RunCommand.class, ReplayCommand.class, GenerateCommand.class, BrokerCommand.class, ClusterCommand.class, VersionCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by main and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // The run command's help lists the job options from their one definition (JobOptions).
        CommandLine run = cl.getSubcommands().get("run");
        run.getCommandSpec().usageMessage().width(200);
        run.getCommandSpec().usageMessage().footer("%nJob options (--name value):%n" + RunCommand.footer().replace("%", "%%"));
        JobOptionArgs.install(cl);
        cl.setParameterExceptionHandler(Main::parameterError);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // A bad option found by a command's own checks reads like a parse error: same line, same hint.
            String hint = e instanceof InvalidOptionException
                    ? " (see '" + commandLine.getCommandSpec().qualifiedName() + " --help')" : "";
            commandLine.getErr().println("error: " + e.getMessage() + hint);
            return 2;
        });
        return cl;
    }

    /**
     * A wrong command line is one line on stderr and exit code 2, never the whole usage text: the
     * mistake would scroll away above it. An unknown option gets the command's closest names.
     */
    private static int parameterError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            if (first.startsWith("-")) {
                String typed = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                java.util.List<String> names = cl.getCommandSpec().options().stream()
                        .flatMap(o -> java.util.Arrays.stream(o.names())).toList();
                java.util.List<String> close = CloseNames.to(typed, names);
                message = "unknown option " + typed + (close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?");
            } else {
                message = "unexpected argument '" + first + "'";
            }
        }
        cl.getErr().println("error: " + message + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version line for --version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"flink-online-lstm " + BuildInfo.version()};
        }
    }
}
