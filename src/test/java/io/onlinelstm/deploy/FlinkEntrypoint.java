package io.onlinelstm.deploy;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What apache/flink-docker's docker-entrypoint.sh for Flink 2.2 does to the image before it starts a
 * process, as flink: links the jars ENABLE_BUILT_IN_PLUGINS names from opt/ into plugins/, then passes
 * its own settings and every FLINK_PROPERTIES line as -Dkey=value to bin/config-parser-utils.sh, which
 * rewrites conf/config.yaml. The script ignores a failed rewrite and starts Flink on the old file; here a
 * failure is an exception, since that silence is what dropped every override.
 */
final class FlinkEntrypoint {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private FlinkEntrypoint() {
    }

    /** Prepares {@code image} as a container with environment {@code containerEnv} and host name {@code hostname}. */
    static void prepare(ImageLayout image, Map<String, String> containerEnv, String hostname) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(image.env());
        env.putAll(containerEnv);
        String plugins = env.getOrDefault("ENABLE_BUILT_IN_PLUGINS", "");
        for (String jar : plugins.isEmpty() ? List.<String>of() : List.of(plugins.split(";"))) {
            String name = jar.replaceFirst("\\.jar$", "");
            check(image.runAsFlink("mkdir -p \"$FLINK_HOME/plugins/" + name + "\" && test -e \"$FLINK_HOME/opt/" + jar
                    + "\" && ln -fs \"$FLINK_HOME/opt/" + jar + "\" \"$FLINK_HOME/plugins/" + name + "\"", containerEnv),
                    "enabling built-in plugin " + jar + " (is it in opt/?)");
        }
        Map<String, String> own = new LinkedHashMap<>();
        own.put("jobmanager.rpc.address", env.getOrDefault("JOB_MANAGER_RPC_ADDRESS", hostname));
        own.put("blob.server.port", "6124");
        own.put("query.server.port", "6125");
        if (env.containsKey("TASK_MANAGER_NUMBER_OF_TASK_SLOTS")) {
            own.put("taskmanager.numberOfTaskSlots", env.get("TASK_MANAGER_NUMBER_OF_TASK_SLOTS"));
        }
        setConfigOptions(image, own, containerEnv);
        if (!env.getOrDefault("FLINK_PROPERTIES", "").isEmpty()) {
            setConfigOptions(image, flinkProperties(env.get("FLINK_PROPERTIES"), env), containerEnv);
        }
    }

    /**
     * FLINK_PROPERTIES as the script reads it: one {@code key: value} a line, trimmed, split at the first
     * colon; the value word-split and rejoined by an unquoted echo, then through envsubst. Quotes stay:
     * {@code key: ""} gives the two characters {@code ""}, not an empty value.
     */
    static Map<String, String> flinkProperties(String content, Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : content.split("\n")) {
            String prop = line.strip();
            if (prop.isEmpty()) {
                continue;
            }
            int colon = prop.indexOf(':');
            String key = colon < 0 ? prop : prop.substring(0, colon);
            String value = colon < 0 ? "" : String.join(" ", prop.substring(colon + 1).trim().split("\\s+"));
            out.put(key, envsubst(value, env));
        }
        return out;
    }

    private static void setConfigOptions(ImageLayout image, Map<String, String> options, Map<String, String> containerEnv)
            throws IOException {
        StringBuilder command = new StringBuilder("\"$FLINK_HOME/bin/config-parser-utils.sh\" \"$FLINK_HOME/conf\" \"$FLINK_HOME/bin\" \"$FLINK_HOME/lib\"");
        for (Map.Entry<String, String> e : options.entrySet()) {
            command.append(" '").append(("-D" + e.getKey() + "=" + e.getValue()).replace("'", "'\\''")).append('\'');
        }
        check(image.runAsFlink(command.toString(), containerEnv), "rewriting conf/config.yaml with " + options);
    }

    private static String envsubst(String value, Map<String, String> env) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1) != null ? m.group(1) : m.group(2), "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void check(SpareUser.Result r, String what) {
        if (r.exit() != 0) {
            throw new IllegalStateException("The entrypoint, as uid " + SpareUser.ID + ", failed " + what + " (exit " + r.exit()
                    + "); the real script would go on silently:\n" + r.output());
        }
    }
}
