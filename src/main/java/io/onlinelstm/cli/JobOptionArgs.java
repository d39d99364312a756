package io.onlinelstm.cli;

import io.onlinelstm.job.CloseNames;
import io.onlinelstm.job.JobConfig;
import io.onlinelstm.job.JobOptionRules;
import io.onlinelstm.job.JobOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The forecasting job's options on any command that mixes this in, spelt the same everywhere:
 * {@code --model.hidden-size 32} or {@code --model.hidden-size=32} for every {@link JobOptions}
 * entry, and {@code --job-option model.hidden-size=32} as an alias kept for existing scripts.
 *
 * <p>picocli parses them: {@link #install} adds one (hidden) option per job option to every command
 * of the tree that has this mixin, so they may stand anywhere among the command's own options and
 * positional parameters, and a misspelt one is an unknown option with close names suggested.
 * {@link #config} then checks every value against {@link JobOptionRules} and reports a bad one under
 * the name the user typed.
 */
final class JobOptionArgs {

    static final String ALIAS = "--job-option";

    @Option(names = ALIAS, paramLabel = "NAME=VALUE",
            description = "Same as --NAME VALUE, for any job option, e.g. --job-option model.hidden-size=32.")
    Map<String, String> aliased = new LinkedHashMap<>();

    /** Values given as --name value, by the name typed (an option's key or one of its fallback keys). */
    private final Map<String, String> direct = new LinkedHashMap<>();

    /** Adds the job options to every command under {@code root} that mixes this class in. */
    static void install(CommandLine root) {
        for (Object mixin : root.getCommandSpec().mixins().values().stream().map(CommandSpec::userObject).toList()) {
            if (mixin instanceof JobOptionArgs args) {
                args.addTo(root.getCommandSpec());
            }
        }
        root.getSubcommands().values().forEach(JobOptionArgs::install);
    }

    private void addTo(CommandSpec spec) {
        for (String name : JobOptionRules.names()) {
            if (spec.findOption("--" + name) != null) {
                continue;
            }
            spec.addOption(OptionSpec.builder("--" + name)
                    .paramLabel("<value>")
                    .type(String.class)
                    .arity("1")
                    // 60 options would drown each command's own; the footer points to 'run --help'.
                    .hidden(true)
                    .setter(new CommandLine.Model.ISetter() {
                        @Override
                        @SuppressWarnings("unchecked")
                        public <T> T set(T value) {
                            // picocli resets every option to its initial value (null) before parsing.
                            if (value == null) {
                                direct.remove(name);
                            } else {
                                direct.put(name, (String) value);
                            }
                            return null;
                        }
                    })
                    .getter(new CommandLine.Model.IGetter() {
                        @Override
                        @SuppressWarnings("unchecked")
                        public <T> T get() {
                            return (T) direct.get(name);
                        }
                    })
                    .build());
        }
        if (!"run".equals(spec.name())) {
            String[] footer = spec.usageMessage().footer();
            List<String> lines = new ArrayList<>(List.of(footer));
            lines.add("%nJob options: --NAME VALUE (or --NAME=VALUE, or --job-option NAME=VALUE) for any option that"
                    + " 'online-lstm run --help' describes, e.g. --model.hidden-size 32 --model.device cpu.");
            spec.usageMessage().footer(lines.toArray(String[]::new));
        }
    }

    /** The job options given, by canonical key, each checked; the alias first, so --NAME VALUE wins. */
    Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        aliased.forEach((name, value) -> put(values, name, value, ALIAS + " " + name + "=" + value));
        // The value is left out of the label: it is quoted by the rule's message ("got 0").
        direct.forEach((name, value) -> put(values, name, value, "--" + name));
        return values;
    }

    /** The job's configuration from the options given on top of {@code base}, checked as a whole. */
    JobConfig config(Map<String, String> base) {
        Map<String, String> all = new LinkedHashMap<>(base);
        all.putAll(values());
        try {
            return JobConfig.of(all);
        } catch (IllegalArgumentException e) {
            // Each value passed its own rule, so what is left is a combination (holdout vs buffer, ...).
            String m = e.getMessage();
            throw new InvalidOptionException(m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1));
        }
    }

    JobConfig config() {
        return config(Map.of());
    }

    private static void put(Map<String, String> values, String name, String value, String label) {
        ConfigOption<?> option = JobOptionRules.find(name);
        if (option == null) {
            List<String> close = CloseNames.to(name, JobOptionRules.names());
            throw new InvalidOptionException("unknown job option '" + name + "' in " + ALIAS + " " + name + "=" + value
                    + (close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?")
                    + " ('online-lstm run --help' lists them all)");
        }
        String problem = JobOptionRules.problem(option, value);
        if (problem != null) {
            // kafka.properties values may be credentials: the rule leaves them out, so must the label.
            String shown = option == JobOptions.KAFKA_PROPERTIES && label.startsWith(ALIAS) ? ALIAS + " " + name : label;
            throw new InvalidOptionException("invalid value for " + shown + ": " + problem);
        }
        values.put(option.key(), value);
    }
}
