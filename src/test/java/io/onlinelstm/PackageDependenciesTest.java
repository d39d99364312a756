package io.onlinelstm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependencies point one way (docs/architecture.md): no cycle, the bottom packages
 * (model, io, state) import no other package of the project, the model core knows nothing of
 * Flink, and the forecaster nothing of Kafka. Read from the sources, so a new import that breaks
 * the shape fails here.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/onlinelstm");
    private static final Pattern PROJECT_REFERENCE = Pattern.compile("io\\.onlinelstm\\.([a-z]+)\\.");

    private static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue;
                }
                String pkg = relative.getName(0).toString();
                Set<String> out = deps.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = PROJECT_REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return deps;
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> deps = graph();
        assertTrue(deps.size() >= 10, "read the packages: " + deps.keySet());
        for (String start : deps.keySet()) {
            List<String> path = new ArrayList<>();
            assertTrue(!reaches(deps, start, start, new TreeSet<>(), path), "package cycle: " + start + " -> " + path);
        }
    }

    private static boolean reaches(Map<String, Set<String>> deps, String from, String target, Set<String> seen,
                                   List<String> path) {
        for (String next : deps.getOrDefault(from, Set.of())) {
            path.add(next);
            if (next.equals(target) || (seen.add(next) && reaches(deps, next, target, seen, path))) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        return false;
    }

    @Test
    void theBottomPackagesImportNoOtherPackageOfTheProject() throws IOException {
        Map<String, Set<String>> deps = graph();
        for (String bottom : List.of("model", "io", "state")) {
            assertEquals(Set.of(), deps.get(bottom), bottom + " must stand alone");
        }
    }

    @Test
    void theModelCoreKnowsNoFlinkAndTheForecasterNoKafka() throws IOException {
        assertEquals(List.of(), filesMentioning("model", "org.apache.flink"));
        assertEquals(List.of(), filesMentioning("operator", "org.apache.kafka"));
    }

    private static List<String> filesMentioning(String pkg, String text) throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES.resolve(pkg))) {
            List<String> hits = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains(text)) {
                    hits.add(f.getFileName().toString());
                }
            }
            return hits;
        }
    }
}
