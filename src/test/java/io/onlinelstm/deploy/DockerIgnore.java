package io.onlinelstm.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A .dockerignore as Docker reads it: patterns in order, the last one matching a path (or a folder
 * above it) decides, and a leading ! lets a path back in. Wildcards: *, ? and ** only.
 */
final class DockerIgnore {

    private record Rule(Pattern pattern, boolean include) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    static DockerIgnore read(Path file) throws IOException {
        List<Rule> rules = new ArrayList<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean include = line.startsWith("!");
            String glob = (include ? line.substring(1) : line).replaceFirst("^/+", "").replaceFirst("/+$", "");
            rules.add(new Rule(Pattern.compile(regex(glob)), include));
        }
        return new DockerIgnore(rules);
    }

    /** Whether {@code path} (relative to the context, with /) reaches the build context. */
    boolean sends(String path) {
        boolean sent = true;
        for (Rule r : rules) {
            for (String p = path; !p.isEmpty(); p = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : "") {
                if (r.pattern().matcher(p).matches()) {
                    sent = r.include();
                    break;
                }
            }
        }
        return sent;
    }

    private static String regex(String glob) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                out.append(".*");
                i++;
            } else if (c == '*') {
                out.append("[^/]*");
            } else if (c == '?') {
                out.append("[^/]");
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return out.toString();
    }
}
