package io.onlinelstm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the compose files hand the image's entrypoint, and what the Dockerfiles get from the build context. */
class ComposeFilesTest {

    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private static final Path COMPOSE_GPU = Path.of("docker-compose.gpu.yml");

    @Test
    void noFlinkPropertyIsEmptyOrOnlyQuotes() throws Exception {
        for (Path file : List.of(COMPOSE, COMPOSE_GPU)) {
            JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(file.toFile()).path("services");
            for (Iterator<String> it = services.fieldNames(); it.hasNext(); ) {
                String service = it.next();
                Map<String, String> env = Compose.environment(service, file);
                if (!env.containsKey("FLINK_PROPERTIES")) {
                    continue;
                }
                FlinkEntrypoint.flinkProperties(env.get("FLINK_PROPERTIES"), env).forEach((k, v) ->
                        assertFalse(v.replaceAll("[\"'\\s]", "").isEmpty(), file + " " + service + " sets " + k + " to '" + v
                                + "': the entrypoint passes it on as those characters, not as an empty value. Leave the key out"));
            }
        }
    }

    @Test
    void theGpuOverrideKeepsEveryPropertyOfTheBaseTaskManager() throws Exception {
        Map<String, String> merged = Compose.environment("taskmanager", COMPOSE, COMPOSE_GPU);
        Map<String, String> gpu = FlinkEntrypoint.flinkProperties(merged.get("FLINK_PROPERTIES"), merged);
        Map<String, String> baseEnv = Compose.environment("taskmanager", COMPOSE);
        Map<String, String> base = FlinkEntrypoint.flinkProperties(baseEnv.get("FLINK_PROPERTIES"), baseEnv);
        assertFalse(base.isEmpty());
        base.forEach((k, v) -> assertEquals(v, gpu.get(k), "docker-compose.gpu.yml replaces FLINK_PROPERTIES and loses the base's " + k));
        assertEquals("gpu", gpu.get("external-resources"));
    }

    @Test
    void theBuildContextHoldsWhatTheDockerfilesCopyAndNotTarget() throws Exception {
        DockerIgnore ignore = DockerIgnore.read(Path.of(".dockerignore"));
        assertFalse(ignore.sends("target/flink-online-lstm.jar"), ".dockerignore lets target/ into the build context");
        assertFalse(ignore.sends(".git"), ".dockerignore lets .git into the build context");
        for (String dockerfile : List.of("deploy/Dockerfile", "deploy/Dockerfile.gpu")) {
            for (String source : contextSources(Path.of(dockerfile))) {
                assertTrue(ignore.sends(source), dockerfile + " copies " + source + ", which .dockerignore keeps out of the context");
            }
        }
        assertTrue(ignore.sends("src/main/java/io/onlinelstm/job/ForecastJob.java"));
    }

    /** The sources of every COPY without --from, in all stages. */
    private static List<String> contextSources(Path dockerfile) throws Exception {
        return java.nio.file.Files.readAllLines(dockerfile).stream()
                .map(String::strip)
                .filter(l -> l.startsWith("COPY ") && !l.contains("--from="))
                .flatMap(l -> {
                    List<String> words = List.of(l.substring(5).trim().split("\\s+"));
                    return words.subList(0, words.size() - 1).stream().filter(w -> !w.startsWith("--"));
                })
                .map(w -> w.replaceFirst("^\\./", "").replaceFirst("/+$", ""))
                .toList();
    }
}
