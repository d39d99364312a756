package io.onlinelstm.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A folder laid out like the official flink:2.2.1-java17 image (everything under /opt/flink owned by
 * flink, uid 9999, as its Dockerfile's {@code chown -R flink:flink .} leaves it; {@code USER flink}),
 * onto which the last stage of one of our Dockerfiles is replayed: COPY as the Docker builder does it
 * (as root, owned by root unless --chown), RUN as flink through {@link SpareUser}, ENV and ARG
 * collected for later RUNs and for the entrypoint.
 */
final class ImageLayout {

    private static final int ROOT = 0;
    private static final Pattern IMAGE_HOME = Pattern.compile("(?<![\\w/.-])/opt/flink(?![\\w.-])");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private final Path root;
    private final Path context;
    private final Path buildStage;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> args = new LinkedHashMap<>();
    private int user = SpareUser.ID;

    private ImageLayout(Path root, Path context, Path buildStage) {
        this.root = root;
        this.context = context;
        this.buildStage = buildStage;
    }

    /**
     * The base image in {@code dir}, with {@code flinkJars} standing for its lib/flink-dist jar and
     * {@code optJars} (names only) for what it ships in opt/; {@code buildOutputs} are the paths
     * (absolute, as the build stage has them) that COPY --from=build may take, made up as small files.
     */
    static ImageLayout officialFlinkImage(Path dir, Path context, List<Path> flinkJars, List<String> optJars,
            List<String> buildOutputs) throws IOException {
        ImageLayout image = new ImageLayout(dir.resolve("image"), context, dir.resolve("build-stage"));
        Path home = image.path("/opt/flink");
        for (String sub : List.of("bin", "conf", "lib", "opt", "log", "plugins/external-resource-gpu")) {
            Files.createDirectories(home.resolve(sub));
        }
        // Stands for the distribution's own config.yaml after the base image's container rewrite.
        Files.writeString(home.resolve("conf/config.yaml"), "jobmanager:\n  bind-host: 0.0.0.0\n");
        try (InputStream in = ImageLayout.class.getResourceAsStream("config-parser-utils.sh")) {
            Files.copy(in, home.resolve("bin/config-parser-utils.sh"));
        }
        Files.setPosixFilePermissions(home.resolve("bin/config-parser-utils.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path jar : flinkJars) {
            Files.copy(jar, home.resolve("lib").resolve(jar.getFileName()));
        }
        for (String jar : optJars) {
            writeJar(home.resolve("opt").resolve(jar));
        }
        for (String output : buildOutputs) {
            Path p = image.buildStage.resolve(output.substring(1));
            Files.createDirectories(p.getParent());
            if (output.endsWith(".jar")) {
                writeJar(p);
            } else {
                Files.writeString(p, "stands for " + output + "\n");
            }
        }
        // The temporary folders are root's and closed; flink must reach /opt/flink as in the image.
        for (Path p = home.getParent(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                own(p, SpareUser.ID);
            }
        }
        image.env.put("FLINK_HOME", home.toString());
        image.env.put("PATH", home.resolve("bin") + ":" + Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin");
        return image;
    }

    /** Where an absolute path of the image lies here. */
    Path path(String absolute) {
        return root.resolve(absolute.replaceFirst("^/+", ""));
    }

    Path flinkHome() {
        return path("/opt/flink");
    }

    /** The image's environment: the base image's, then each ENV of the replayed stage. */
    Map<String, String> env() {
        return env;
    }

    void replay(Dockerfile dockerfile) throws IOException {
        List<Dockerfile.Instruction> stage = dockerfile.runtimeStage();
        for (Dockerfile.Instruction i : stage.subList(1, stage.size())) {
            switch (i.keyword()) {
                case "ARG" -> arg(i.args(), dockerfile.globalArgs());
                case "ENV" -> environment(i.args());
                case "COPY" -> copy(i.args());
                case "RUN" -> run(i.args());
                case "USER" -> user = i.args().equals("root") || i.args().equals("0") ? ROOT : SpareUser.ID;
                case "LABEL", "EXPOSE" -> { }
                default -> throw new UnsupportedOperationException("The replay does not know " + i.keyword()
                        + " (" + i + "): teach ImageLayout what it does to the image's files before relying on this check");
            }
        }
    }

    /** Runs {@code command} in a shell as flink, with the image's environment and FLINK_HOME as working folder. */
    SpareUser.Result runAsFlink(String command, Map<String, String> extraEnv) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(args);
        all.putAll(env);
        all.putAll(extraEnv);
        // ENV values name the image's paths; here they lie under the layout.
        all.replaceAll((k, v) -> here(v));
        return SpareUser.run(List.of("sh", "-c", command), all, flinkHome());
    }

    private void arg(String spec, Map<String, String> global) {
        String[] kv = spec.split("=", 2);
        args.put(kv[0], kv.length > 1 ? expand(kv[1]) : global.getOrDefault(kv[0], ""));
    }

    private void environment(String spec) {
        for (String pair : spec.trim().split("\\s+")) {
            if (pair.contains("\"") || pair.contains("'") || !pair.contains("=")) {
                throw new UnsupportedOperationException("The replay reads ENV as unquoted KEY=VALUE pairs only: " + spec);
            }
            String[] kv = pair.split("=", 2);
            env.put(kv[0], expand(kv[1]));
        }
    }

    private void copy(String spec) throws IOException {
        List<String> words = new ArrayList<>(List.of(spec.trim().split("\\s+")));
        Integer owner = ROOT;
        Path from = context;
        while (words.get(0).startsWith("--")) {
            String flag = words.remove(0);
            if (flag.startsWith("--chown=")) {
                owner = flag.equals("--chown=flink:flink") || flag.equals("--chown=9999:9999") ? SpareUser.ID : null;
                if (owner == null) {
                    throw new UnsupportedOperationException("The replay knows --chown=flink:flink only: " + spec);
                }
            } else if (flag.startsWith("--from=")) {
                from = buildStage;
            } else {
                throw new UnsupportedOperationException("The replay does not know COPY " + flag);
            }
        }
        String dest = expand(words.remove(words.size() - 1));
        for (String source : words) {
            Path src = from.resolve(expand(source).replaceFirst("^/+", ""));
            if (!Files.exists(src)) {
                throw new IllegalStateException("COPY " + spec + ": " + src + " does not exist (for --from=build, list it among the build outputs)");
            }
            if (Files.isDirectory(src)) {
                copyTree(src, path(dest), owner);
            } else {
                Path target = dest.endsWith("/") ? path(dest).resolve(src.getFileName()) : path(dest);
                copyFile(src, target, owner);
            }
        }
    }

    private void copyTree(Path src, Path target, int owner) throws IOException {
        makeParents(target);
        if (!Files.exists(target)) {
            Files.createDirectory(target);
            own(target, owner);
        }
        try (Stream<Path> children = Files.list(src)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                if (Files.isDirectory(child)) {
                    copyTree(child, target.resolve(child.getFileName()), owner);
                } else {
                    copyFile(child, target.resolve(child.getFileName()), owner);
                }
            }
        }
    }

    private void copyFile(Path src, Path target, int owner) throws IOException {
        makeParents(target);
        // The builder replaces a file: the new one is root's unless --chown, whoever owned the old one.
        Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(src));
        own(target, owner);
    }

    /** Folders COPY has to create are taken as root's: whether --chown reaches them is not checked here. */
    private void makeParents(Path target) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = target.getParent(); !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            Files.createDirectory(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            own(p, ROOT);
        }
    }

    private void run(String command) throws IOException {
        if (user == ROOT) {
            throw new UnsupportedOperationException("The replay runs RUN as flink only; this stage switched to root: " + command);
        }
        // The image's /etc/passwd names uid 9999 flink; this machine's need not.
        SpareUser.Result r = runAsFlink(here(command).replaceAll("\\bflink:flink\\b", SpareUser.ID + ":" + SpareUser.ID), Map.of());
        if (r.exit() != 0) {
            throw new IllegalStateException("RUN " + command + "\nfailed as uid " + SpareUser.ID + " (exit " + r.exit() + "):\n" + r.output());
        }
    }

    /** {@code text} with the image's /opt/flink (as a whole path element) moved under the layout. */
    private String here(String text) {
        return IMAGE_HOME.matcher(text).replaceAll(Matcher.quoteReplacement(flinkHome().toString()));
    }

    private String expand(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String v = env.containsKey(name) ? env.get(name) : args.getOrDefault(name, "");
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void own(Path p, int uid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    private static void writeJar(Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes());
            zip.closeEntry();
        }
    }
}
