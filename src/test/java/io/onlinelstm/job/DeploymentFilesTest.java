package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.onlinelstm.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.ResourceManagerOptions;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine or Kubernetes runs here, so check what can be checked: the files parse, and
 * every class, jar path, job option and Flink key they name exists in this build.
 */
class DeploymentFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String JAR = "/opt/flink/usrlib/flink-online-lstm.jar";
    private static final Pattern EXTERNAL_RESOURCE =
            Pattern.compile("external-resource\\.[a-z0-9-]+\\.(amount|driver-factory\\.class|param\\..+|kubernetes\\.config-key|yarn\\.config-key)");

    @Test
    void kubernetesDeploymentsNameRealClassesJarsOptionsAndFlinkKeys() throws Exception {
        Set<String> flinkKeys = FlinkConfTest.knownKeys();
        for (String file : List.of("deploy/k8s/flinkdeployment-cpu.yaml", "deploy/k8s/flinkdeployment-gpu.yaml")) {
            JsonNode d = YAML.readTree(Path.of(file).toFile());
            assertEquals("FlinkDeployment", d.get("kind").asText(), file);
            JsonNode job = d.get("spec").get("job");
            assertNotNull(Class.forName(job.get("entryClass").asText()), file);
            assertEquals("local://" + JAR, job.get("jarURI").asText(), file);
            assertJobArgs(toList(job.get("args")), file);
            d.get("spec").get("flinkConfiguration").fieldNames().forEachRemaining(key ->
                    assertTrue(flinkKeys.contains(key) || FlinkOptionKeys.isReporterKey(key) || EXTERNAL_RESOURCE.matcher(key).matches()
                                    || key.startsWith(ResourceManagerOptions.CONTAINERIZED_MASTER_ENV_PREFIX)
                                    || key.startsWith(ResourceManagerOptions.CONTAINERIZED_TASK_MANAGER_ENV_PREFIX),
                            file + " sets unknown Flink option " + key));
            assertTrue(d.get("spec").get("flinkConfiguration").get("classloader.parent-first-patterns.additional")
                    .asText().contains("ai.djl."), file);
        }
        JsonNode gpu = YAML.readTree(Path.of("deploy/k8s/flinkdeployment-gpu.yaml").toFile());
        assertEquals("nvidia.com/gpu", gpu.get("spec").get("flinkConfiguration").get("external-resource.gpu.kubernetes.config-key").asText());
    }

    @Test
    void composeFilesParseAndTheirCommandsExist() throws Exception {
        Set<String> flinkKeys = FlinkConfTest.knownKeys();
        JsonNode compose = YAML.readTree(Path.of("docker-compose.yml").toFile());
        JsonNode services = compose.get("services");
        for (String service : List.of("kafka", "jobmanager", "taskmanager", "topics", "submit", "generator")) {
            assertNotNull(services.get(service), "docker-compose.yml lacks service " + service);
        }
        String submit = services.get("submit").get("command").asText();
        assertTrue(submit.contains("flink run -d") && submit.contains(JAR), submit);
        assertJobArgs(List.of(submit.substring(submit.indexOf(JAR) + JAR.length()).trim().split("\\s+")), "submit");
        String generator = services.get("generator").get("command").asText();
        Matcher m = Pattern.compile("(io\\.onlinelstm\\.[A-Za-z.]+)\\s+(\\w+)").matcher(generator);
        assertTrue(m.find(), generator);
        assertNotNull(Class.forName(m.group(1)));
        assertTrue(Main.commandLine().getSubcommands().containsKey(m.group(2)), "no subcommand " + m.group(2));
        for (String file : List.of("docker-compose.yml", "docker-compose.gpu.yml")) {
            JsonNode all = YAML.readTree(Path.of(file).toFile()).get("services");
            for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> s = it.next();
                JsonNode env = s.getValue().get("environment");
                if (env != null && env.get("FLINK_PROPERTIES") != null) {
                    for (String line : env.get("FLINK_PROPERTIES").asText().split("\n")) {
                        if (!line.isBlank()) {
                            String key = line.substring(0, line.indexOf(':')).trim();
                            assertTrue(flinkKeys.contains(key) || FlinkOptionKeys.isReporterKey(key) || EXTERNAL_RESOURCE.matcher(key).matches() || key.equals("external-resources"),
                                    file + " " + s.getKey() + " sets unknown Flink option " + key);
                        }
                    }
                }
            }
        }
    }

    /**
     * Prometheus scrapes every containerised JobManager and TaskManager; the loopback-only
     * config.yaml enables no reporter, because Flink's Prometheus reporter listens on every interface.
     */
    @Test
    void containerisedFlinkProcessesServePrometheusMetricsAndTheLoopbackConfigDoesNot() throws Exception {
        String factory = org.apache.flink.metrics.prometheus.PrometheusReporterFactory.class.getName();
        for (String file : List.of("deploy/k8s/flinkdeployment-cpu.yaml", "deploy/k8s/flinkdeployment-gpu.yaml")) {
            JsonNode conf = YAML.readTree(Path.of(file).toFile()).get("spec").get("flinkConfiguration");
            assertEquals(factory, conf.path("metrics.reporter.prom.factory.class").asText(), file);
            assertEquals("9249", conf.path("metrics.reporter.prom.port").asText(), file);
        }
        for (String[] service : new String[][] {{"docker-compose.yml", "jobmanager"}, {"docker-compose.yml", "taskmanager"},
                {"docker-compose.gpu.yml", "taskmanager"}}) {
            String properties = YAML.readTree(Path.of(service[0]).toFile()).get("services").get(service[1])
                    .get("environment").get("FLINK_PROPERTIES").asText();
            assertTrue(properties.contains("metrics.reporter.prom.factory.class: " + factory)
                    && properties.contains("metrics.reporter.prom.port: 9249"), service[0] + " " + service[1] + ": " + properties);
        }
        Configuration local = GlobalConfiguration.loadConfiguration(Path.of("flink-conf").toAbsolutePath().toString());
        assertTrue(local.keySet().stream().noneMatch(k -> k.startsWith("metrics.reporter.")), local.keySet().toString());
    }

    @Test
    void dockerfilesCopyWhatTheBuildMakes() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(pom.contains("<finalName>flink-online-lstm</finalName>"));
        assertTrue(pom.contains("${project.build.directory}/djl-lib"));
        for (String file : List.of("deploy/Dockerfile", "deploy/Dockerfile.gpu")) {
            String docker = Files.readString(Path.of(file));
            assertTrue(docker.contains("FROM flink:2.2.1-java17"), file);
            assertTrue(docker.contains("/src/target/djl-lib/ /opt/flink/lib/"), file);
            assertTrue(docker.contains("/src/target/flink-online-lstm.jar " + JAR), file);
            assertTrue(docker.contains(" flink-conf/config.yaml /opt/flink/conf/config.yaml"), file);
            assertTrue(Files.exists(Path.of("flink-conf/config.yaml")));
        }
    }

    private static void assertJobArgs(List<String> args, String where) {
        List<String> known = new ArrayList<>();
        for (ConfigOption<?> o : JobOptions.all()) {
            known.add("--" + o.key());
        }
        for (String arg : args) {
            if (arg.startsWith("--")) {
                assertTrue(known.contains(arg), where + " passes unknown job option " + arg);
            }
        }
        // And the whole argument list is accepted by the job's own parser.
        JobConfig.fromArgs(args);
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
