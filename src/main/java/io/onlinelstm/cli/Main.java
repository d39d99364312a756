package io.onlinelstm.cli;

import io.onlinelstm.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of bin/online-lstm. */
@Command(
        name = "online-lstm",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Online LSTM forecasting and incremental training on live streams (Apache Flink + DJL).",
        subcommands = {DemoCommand.class, RunCommand.class, ReplayCommand.class, GenerateCommand.class, BrokerCommand.class, VersionCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
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
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return 2;
        });
        return cl;
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
