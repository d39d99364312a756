package io.onlinelstm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment of a compose service, over one or more files merged the way docker compose merges them. */
final class Compose {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Compose() {
    }

    /** Later files win variable by variable (compose merges environment maps per key, never inside a value). */
    static Map<String, String> environment(String service, Path... files) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (Path file : files) {
            JsonNode s = YAML.readTree(file.toFile()).path("services").path(service);
            JsonNode e = s.path("environment");
            if (e.isArray()) {
                throw new UnsupportedOperationException(file + " " + service + ": write environment as a map, as the other services do");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> v = it.next();
                env.put(v.getKey(), v.getValue().asText());
            }
        }
        return env;
    }
}
