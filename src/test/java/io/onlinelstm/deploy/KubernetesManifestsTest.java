package io.onlinelstm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.onlinelstm.job.FlinkOptionKeys;
import io.onlinelstm.model.LstmKernelCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.ResourceManagerOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator writes its own config.yaml from flinkConfiguration, so each manifest must carry what
 * flink-conf/config.yaml sets (apart from what Kubernetes decides), set only real Flink options, and
 * enable a file system plugin for every scheme it writes to.
 */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern EXTERNAL_RESOURCE =
            Pattern.compile("external-resource\\.[a-z0-9-]+\\.(amount|driver-factory\\.class|param\\..+|kubernetes\\.config-key)");

    /** config.yaml keys a manifest leaves out on purpose, and why: checked so a new key needs a decision. */
    private static final Map<String, String> LEFT_TO_KUBERNETES = Map.ofEntries(
            Map.entry("jobmanager.rpc.address", "the operator's JobManager service"),
            Map.entry("jobmanager.rpc.port", "the operator's JobManager service"),
            Map.entry("jobmanager.bind-host", "native Kubernetes binds the pods' interfaces"),
            Map.entry("taskmanager.bind-host", "native Kubernetes binds the pods' interfaces"),
            Map.entry("taskmanager.host", "native Kubernetes sets each pod's IP"),
            Map.entry("rest.address", "the operator's REST service"),
            Map.entry("rest.bind-address", "native Kubernetes binds the pods' interfaces"),
            Map.entry("rest.port", "the operator's REST service"),
            Map.entry("jobmanager.memory.process.size", "spec.jobManager.resource.memory"),
            Map.entry("taskmanager.memory.process.size", "spec.taskManager.resource.memory"),
            Map.entry("parallelism.default", "spec.job.parallelism"));
    /** The manifests run RocksDB: ForSt's tuning does not apply. */
    private static final String UNUSED_BACKEND = "state.backend.forst.";
    /** Set in both, to other values on purpose. */
    private static final Set<String> DIFFERS = Set.of(
            "state.backend.type",                      // RocksDB: more series than fit a heap
            "execution.checkpointing.dir",             // S3
            "execution.checkpointing.savepoint-dir",   // S3
            "taskmanager.numberOfTaskSlots",           // one slot per GPU
            "env.java.opts.taskmanager");              // the image's cache folder; flags compared below

    @ParameterizedTest
    @ValueSource(strings = {"deploy/k8s/flinkdeployment-cpu.yaml", "deploy/k8s/flinkdeployment-gpu.yaml"})
    void setsOnlyRealFlinkOptions(String manifest) throws Exception {
        Map<String, ConfigOption<?>> known = FlinkOptionKeys.options();
        Map<String, String> conf = flinkConfiguration(manifest);
        for (String key : conf.keySet()) {
            assertTrue(known.containsKey(key) || FlinkOptionKeys.isReporterKey(key) || EXTERNAL_RESOURCE.matcher(key).matches()
                            || key.startsWith(ResourceManagerOptions.CONTAINERIZED_MASTER_ENV_PREFIX)
                            || key.startsWith(ResourceManagerOptions.CONTAINERIZED_TASK_MANAGER_ENV_PREFIX),
                    manifest + " sets '" + key + "', which Flink 2.2 does not define");
            if (known.containsKey(key)) {
                // Read as Flink reads it: a value of the wrong type fails here, not in the JobManager.
                Configuration.fromMap(conf).get(known.get(key));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy/k8s/flinkdeployment-cpu.yaml", "deploy/k8s/flinkdeployment-gpu.yaml"})
    void carriesWhatConfigYamlSets(String manifest) throws Exception {
        Map<String, String> conf = flinkConfiguration(manifest);
        Map<String, String> ours = GlobalConfiguration.loadConfiguration(Path.of("flink-conf").toAbsolutePath().toString()).toMap();
        ours.forEach((key, value) -> {
            if (LEFT_TO_KUBERNETES.containsKey(key) || key.startsWith(UNUSED_BACKEND)) {
                return;
            }
            assertTrue(conf.containsKey(key), manifest + " lacks " + key + ": " + value + " from flink-conf/config.yaml; the operator's"
                    + " config.yaml would not have it. Add it to flinkConfiguration, or to LEFT_TO_KUBERNETES with the reason");
            if (!DIFFERS.contains(key)) {
                assertEquals(normalized(value), normalized(conf.get(key)), manifest + " sets " + key + " unlike flink-conf/config.yaml");
            }
        });
        List<String> jvm = new ArrayList<>(Arrays.asList(conf.get("env.java.opts.taskmanager").trim().split("\\s+")));
        for (String flag : ours.get("env.java.opts.taskmanager").trim().split("\\s+")) {
            if (!flag.startsWith("-DDJL_CACHE_DIR=")) {
                assertTrue(jvm.contains(flag), manifest + " env.java.opts.taskmanager lacks " + flag);
            }
        }
        String cache = imageEnv(manifest.contains("gpu") ? "deploy/Dockerfile.gpu" : "deploy/Dockerfile").get("DJL_CACHE_DIR");
        assertTrue(jvm.contains("-DDJL_CACHE_DIR=" + cache), manifest + ": DJL's cache must be the image's " + cache + ", not " + jvm);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy/k8s/flinkdeployment-cpu.yaml", "deploy/k8s/flinkdeployment-gpu.yaml"})
    void enablesAFileSystemPluginForEverySchemeItWritesAndRunsHighlyAvailable(String manifest) throws Exception {
        JsonNode spec = YAML.readTree(Path.of(manifest).toFile()).path("spec");
        Map<String, String> conf = flinkConfiguration(manifest);
        assertEquals("kubernetes", conf.get(HighAvailabilityOptions.HA_MODE.key()), manifest + " runs the JobManager without high"
                + " availability: a lost JobManager pod would lose its jobs' state handles. Set " + HighAvailabilityOptions.HA_MODE.key()
                + ": kubernetes");
        String haDir = conf.get(HighAvailabilityOptions.HA_STORAGE_PATH.key());
        assertTrue(haDir != null && !haDir.isBlank(), manifest + " sets no " + HighAvailabilityOptions.HA_STORAGE_PATH.key());

        List<String> uris = new ArrayList<>(conf.values());
        spec.path("job").path("args").forEach(a -> uris.add(a.asText()));
        String flinkVersion = flinkVersionOfImage(manifest.contains("gpu") ? "deploy/Dockerfile.gpu" : "deploy/Dockerfile");
        for (String prefix : List.of(ResourceManagerOptions.CONTAINERIZED_MASTER_ENV_PREFIX,
                ResourceManagerOptions.CONTAINERIZED_TASK_MANAGER_ENV_PREFIX)) {
            List<String> plugins = Arrays.asList(conf.getOrDefault(prefix + "ENABLE_BUILT_IN_PLUGINS", "").split(";"));
            for (String uri : uris) {
                if (uri.startsWith("s3://")) {
                    assertTrue(plugins.contains("flink-s3-fs-hadoop-" + flinkVersion + ".jar")
                                    || plugins.contains("flink-s3-fs-presto-" + flinkVersion + ".jar"),
                            manifest + " writes to " + uri + " but " + prefix + "ENABLE_BUILT_IN_PLUGINS (" + plugins + ") enables no S3"
                                    + " file system of Flink " + flinkVersion + ": Flink would throw UnsupportedFileSystemSchemeException");
                } else if (uri.matches("[a-z0-9]+://.*") && !uri.startsWith("file://") && !uri.startsWith("local://")) {
                    throw new AssertionError(manifest + " writes to " + uri + ", a scheme this test does not know a plugin for");
                }
            }
        }
    }

    /** oneDNN's AVX-512 LSTM is wrong on some CPUs (LstmKernelCheck): every image and manifest keeps it to AVX2. */
    @ParameterizedTest
    @ValueSource(strings = {"deploy/k8s/flinkdeployment-cpu.yaml", "deploy/k8s/flinkdeployment-gpu.yaml"})
    void keepsOneDnnToCodeThatComputesTheLstmRight(String manifest) throws Exception {
        String variable = ResourceManagerOptions.CONTAINERIZED_TASK_MANAGER_ENV_PREFIX + LstmKernelCheck.ISA_VARIABLE;
        assertEquals("AVX2", flinkConfiguration(manifest).get(variable), manifest + " lacks " + variable + ": AVX2");
        String dockerfile = manifest.contains("gpu") ? "deploy/Dockerfile.gpu" : "deploy/Dockerfile";
        assertEquals("AVX2", imageEnv(dockerfile).get(LstmKernelCheck.ISA_VARIABLE), dockerfile + " lacks ENV "
                + LstmKernelCheck.ISA_VARIABLE + "=AVX2");
    }

    private static String normalized(String value) {
        return value.trim().toLowerCase();
    }

    private static Map<String, String> flinkConfiguration(String manifest) throws Exception {
        JsonNode conf = YAML.readTree(Path.of(manifest).toFile()).path("spec").path("flinkConfiguration");
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = conf.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String flinkVersionOfImage(String dockerfile) throws Exception {
        String from = Dockerfile.read(Path.of(dockerfile)).runtimeStage().get(0).args();
        Matcher m = Pattern.compile("flink:(\\d+\\.\\d+\\.\\d+)-java\\d+").matcher(from);
        assertTrue(m.matches(), dockerfile + " no longer starts from an official flink:X.Y.Z-javaN image: " + from);
        return m.group(1);
    }

    private static Map<String, String> imageEnv(String dockerfile) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        for (Dockerfile.Instruction i : Dockerfile.read(Path.of(dockerfile)).runtimeStage()) {
            if (i.keyword().equals("ENV")) {
                for (String pair : i.args().split("\\s+")) {
                    String[] kv = pair.split("=", 2);
                    env.put(kv[0], kv[1]);
                }
            }
        }
        return env;
    }
}
