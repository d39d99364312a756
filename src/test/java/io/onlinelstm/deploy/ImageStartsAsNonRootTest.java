package io.onlinelstm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No Docker engine here: replays the last stage of deploy/Dockerfile and deploy/Dockerfile.gpu onto a
 * folder laid out like the official image, as flink (uid 9999), then what the image's entrypoint does
 * with the compose files' FLINK_PROPERTIES, with Flink's own BashJavaUtils doing the rewrite; the result
 * must parse with Flink's loader and hold every override and every setting of flink-conf/config.yaml.
 */
class ImageStartsAsNonRootTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path COMPOSE = PROJECT.resolve("docker-compose.yml");
    private static final Path COMPOSE_GPU = PROJECT.resolve("docker-compose.gpu.yml");
    /** A host name Flink's RPC layer can use: no quotes, not empty. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    /** The keys the image rewrites on purpose (deploy/Dockerfile), so they may differ from config.yaml's. */
    private static final Set<String> REWRITTEN = Set.of("rest.address", "rest.bind-address", "jobmanager.bind-host",
            "taskmanager.bind-host", "taskmanager.host", "jobmanager.rpc.address");
    /** One class of each jar BashJavaUtils UPDATE_AND_GET_FLINK_CONFIGURATION loads (a distribution has them in flink-dist). */
    private static final List<String> FLINK_DIST_CLASSES = List.of(
            "org.apache.flink.runtime.util.bash.BashJavaUtils",
            "org.apache.flink.configuration.Configuration",
            "org.apache.flink.configuration.MemorySize",
            "org.snakeyaml.engine.v2.api.Load",
            "org.apache.commons.cli.Options",
            "org.slf4j.LoggerFactory");

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsToRunAsFlink() {
        Optional<String> why = SpareUser.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "Skipped: this check " + why.orElse(""));
    }

    @Test
    void cpuImageStartsTheJobManagerAndTaskManagerAsFlinkWithTheirOverrides() throws Exception {
        ImageLayout image = replay("deploy/Dockerfile", List.of(
                "/src/target/djl-lib/djl-api.jar", "/src/target/djl-lib/pytorch-native-cpu.jar", "/src/target/flink-online-lstm.jar"));
        assertWritableByFlink(image, "DJL_CACHE_DIR");
        byte[] built = Files.readAllBytes(image.flinkHome().resolve("conf/config.yaml"));
        for (String service : List.of("jobmanager", "taskmanager")) {
            Files.write(image.flinkHome().resolve("conf/config.yaml"), built);
            Map<String, String> env = Compose.environment(service, COMPOSE);
            FlinkEntrypoint.prepare(image, env, "container-" + service);
            assertStartsWith(image, FlinkEntrypoint.flinkProperties(env.get("FLINK_PROPERTIES"), env), service);
        }
    }

    @Test
    void gpuImageStartsTheGpuTaskManagerAsFlinkWithTheBaseAndGpuOverrides() throws Exception {
        ImageLayout image = replay("deploy/Dockerfile.gpu", List.of(
                "/src/target/djl-lib/djl-api.jar", "/src/target/flink-online-lstm.jar", "/djl-cache/pytorch/natives/libtorch.so"));
        assertWritableByFlink(image, "DJL_CACHE_DIR");
        assertTrue(Files.isRegularFile(image.path("/opt/flink/djl-cache/pytorch/natives/libtorch.so")), "the natives reach the cache");
        try (var gpu = Files.list(image.flinkHome().resolve("plugins/external-resource-gpu"))) {
            assertTrue(gpu.anyMatch(p -> p.getFileName().toString().startsWith("flink-external-resource-gpu-")),
                    "Flink's GPU driver is not in plugins/external-resource-gpu");
        }
        Map<String, String> env = Compose.environment("taskmanager", COMPOSE, COMPOSE_GPU);
        FlinkEntrypoint.prepare(image, env, "container-gpu");
        Map<String, String> props = FlinkEntrypoint.flinkProperties(env.get("FLINK_PROPERTIES"), env);
        assertStartsWith(image, props, "GPU taskmanager");
        Map<String, String> base = FlinkEntrypoint.flinkProperties(Compose.environment("taskmanager", COMPOSE).get("FLINK_PROPERTIES"), env);
        base.forEach((k, v) -> assertEquals(v, props.get(k), "docker-compose.gpu.yml drops or changes the base's " + k));
        assertEquals("gpu", props.get("external-resources"));
    }

    @Test
    void kubernetesPluginsAreLinkedIntoPluginsAsFlink() throws Exception {
        ImageLayout image = replay("deploy/Dockerfile", List.of(
                "/src/target/djl-lib/djl-api.jar", "/src/target/flink-online-lstm.jar"));
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (String manifest : List.of("deploy/k8s/flinkdeployment-cpu.yaml", "deploy/k8s/flinkdeployment-gpu.yaml")) {
            JsonNode conf = yaml.readTree(PROJECT.resolve(manifest).toFile()).path("spec").path("flinkConfiguration");
            for (String prefix : List.of("containerized.master.env.", "containerized.taskmanager.env.")) {
                String plugins = conf.path(prefix + "ENABLE_BUILT_IN_PLUGINS").asText("");
                assertTrue(!plugins.isEmpty(), manifest + " enables no built-in plugin through " + prefix + "ENABLE_BUILT_IN_PLUGINS");
                FlinkEntrypoint.prepare(image, Map.of("ENABLE_BUILT_IN_PLUGINS", plugins), "pod");
                for (String jar : plugins.split(";")) {
                    Path link = image.flinkHome().resolve("plugins").resolve(jar.replaceFirst("\\.jar$", "")).resolve(jar);
                    assertTrue(Files.isSymbolicLink(link), manifest + ": " + jar + " was not linked into " + link.getParent());
                }
            }
        }
    }

    @Test
    void theStepsTheUserReportedFailHereToo() throws Exception {
        String fixed = Files.readString(PROJECT.resolve("deploy/Dockerfile"));
        String rewrite = "RUN bash \"$FLINK_HOME/bin/config-parser-utils.sh\"";
        Matcher run = Pattern.compile(Pattern.quote(rewrite) + "(?:[^\\n]*\\\\\\n)*[^\\n]*\\n").matcher(fixed);
        assertTrue(run.find() && fixed.contains("--chown=flink:flink "), "deploy/Dockerfile changed shape: update this test");
        String plainCopies = run.replaceFirst("").replace("--chown=flink:flink ", "");

        // COPY as root, then chown as flink: "Operation not permitted", as reported.
        IllegalStateException chown = assertThrows(IllegalStateException.class, () -> replayText(
                plainCopies + "RUN chown -R flink:flink /opt/flink/djl-cache /opt/flink/usrlib\n",
                List.of("/src/target/djl-lib/djl-api.jar", "/src/target/flink-online-lstm.jar")));
        assertTrue(chown.getMessage().contains("Operation not permitted"), chown.getMessage());

        // A root-owned config.yaml: the entrypoint's rewrite fails with "Permission denied".
        ImageLayout rootConfig = replayText(plainCopies, List.of("/src/target/djl-lib/djl-api.jar", "/src/target/flink-online-lstm.jar"));
        IllegalStateException denied = assertThrows(IllegalStateException.class,
                () -> FlinkEntrypoint.prepare(rootConfig, Compose.environment("jobmanager", COMPOSE), "jm"));
        assertTrue(denied.getMessage().contains("Permission denied"), denied.getMessage());

        // taskmanager.host: "" arrives as the two characters "", which no host name is.
        ImageLayout image = replay("deploy/Dockerfile", List.of("/src/target/djl-lib/djl-api.jar", "/src/target/flink-online-lstm.jar"));
        Map<String, String> env = Map.of("FLINK_PROPERTIES", "jobmanager.rpc.address: jobmanager\ntaskmanager.host: \"\"\n");
        FlinkEntrypoint.prepare(image, env, "tm");
        assertEquals("\"\"", load(image).toMap().get("taskmanager.host"));
        assertThrows(AssertionError.class, () -> assertStartsWith(image, FlinkEntrypoint.flinkProperties(env.get("FLINK_PROPERTIES"), env), "tm"));
    }

    private void assertStartsWith(ImageLayout image, Map<String, String> overrides, String service) throws IOException {
        Path conf = image.flinkHome().resolve("conf/config.yaml");
        assertEquals(SpareUser.ID, Files.getAttribute(conf, "unix:uid"), service + ": conf/config.yaml is not flink's");
        Map<String, String> result = load(image).toMap();
        overrides.forEach((k, v) -> assertEquals(v, result.get(k), service + ": FLINK_PROPERTIES " + k + " did not reach config.yaml"));
        Map<String, String> ours = GlobalConfiguration.loadConfiguration(PROJECT.resolve("flink-conf").toString()).toMap();
        ours.forEach((k, v) -> {
            if (!REWRITTEN.contains(k) && !overrides.containsKey(k)) {
                assertEquals(v, result.get(k), service + ": flink-conf/config.yaml's " + k + " was lost on the way");
            }
        });
        for (String bind : List.of("jobmanager.bind-host", "taskmanager.bind-host", "rest.bind-address")) {
            assertEquals("0.0.0.0", result.get(bind), service + ": " + bind + " must listen on the container's interfaces");
        }
        String host = result.get("taskmanager.host");
        assertTrue(host == null || HOST.matcher(host).matches(), service + ": taskmanager.host is '" + host
                + "', not a host name; leave it unset and each TaskManager advertises its own address");
        assertNotEquals("localhost", result.get("jobmanager.rpc.address"), service + ": the JobManager's address is localhost");
    }

    private static Configuration load(ImageLayout image) {
        return GlobalConfiguration.loadConfiguration(image.flinkHome().resolve("conf").toString());
    }

    private void assertWritableByFlink(ImageLayout image, String dirVariable) throws IOException {
        SpareUser.Result r = image.runAsFlink("touch \"$" + dirVariable + "/.written-by-flink\"", Map.of());
        assertEquals(0, r.exit(), "$" + dirVariable + " (" + image.env().get(dirVariable)
                + ") is not writable by flink, and DJL needs it to be: " + r.output());
    }

    private ImageLayout replay(String dockerfile, List<String> buildOutputs) throws Exception {
        return replayText(Files.readString(PROJECT.resolve(dockerfile)), buildOutputs);
    }

    private ImageLayout replayText(String dockerfile, List<String> buildOutputs) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "image");
        Path file = dir.resolve("Dockerfile");
        Files.writeString(file, dockerfile);
        Dockerfile parsed = Dockerfile.read(file);
        String from = parsed.runtimeStage().get(0).args();
        Matcher tag = Pattern.compile("flink:(\\d+\\.\\d+\\.\\d+)-java\\d+").matcher(from);
        assertTrue(tag.matches(), "the image no longer starts from an official flink:X.Y.Z-javaN tag: " + from);
        String v = tag.group(1);
        List<String> opt = List.of("flink-external-resource-gpu-" + v + ".jar", "flink-s3-fs-presto-" + v + ".jar",
                "flink-s3-fs-hadoop-" + v + ".jar");
        ImageLayout image = ImageLayout.officialFlinkImage(dir, PROJECT, flinkDistJars(), opt, buildOutputs);
        image.replay(parsed);
        return image;
    }

    private static List<Path> flinkDistJars() throws ClassNotFoundException, URISyntaxException {
        Map<Path, Boolean> jars = new LinkedHashMap<>();
        for (String c : FLINK_DIST_CLASSES) {
            jars.put(Path.of(Class.forName(c).getProtectionDomain().getCodeSource().getLocation().toURI()), true);
        }
        return new ArrayList<>(jars.keySet());
    }
}
