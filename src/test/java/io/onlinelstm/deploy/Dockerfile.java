package io.onlinelstm.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instructions of a Dockerfile, as far as replaying its last stage needs them: comments dropped,
 * continuation lines joined, the ARG defaults declared before the first FROM kept apart.
 */
final class Dockerfile {

    /** One instruction: its keyword in upper case and the rest of the (joined) line. */
    record Instruction(String keyword, String args) {
    }

    private final Map<String, String> globalArgs;
    private final List<List<Instruction>> stages;

    private Dockerfile(Map<String, String> globalArgs, List<List<Instruction>> stages) {
        this.globalArgs = globalArgs;
        this.stages = stages;
    }

    static Dockerfile read(Path file) throws IOException {
        Map<String, String> globalArgs = new LinkedHashMap<>();
        List<List<Instruction>> stages = new ArrayList<>();
        for (String line : logicalLines(Files.readAllLines(file))) {
            String[] parts = line.split("\\s+", 2);
            Instruction i = new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].trim() : "");
            if (i.keyword().equals("FROM")) {
                stages.add(new ArrayList<>(List.of(i)));
            } else if (stages.isEmpty()) {
                if (!i.keyword().equals("ARG")) {
                    throw new IllegalArgumentException(file + ": only ARG may come before the first FROM, found " + line);
                }
                String[] kv = i.args().split("=", 2);
                globalArgs.put(kv[0], kv.length > 1 ? kv[1] : "");
            } else {
                stages.get(stages.size() - 1).add(i);
            }
        }
        if (stages.isEmpty()) {
            throw new IllegalArgumentException(file + " has no FROM");
        }
        return new Dockerfile(globalArgs, stages);
    }

    /** The stage the image is made of: the last one, FROM included. */
    List<Instruction> runtimeStage() {
        return stages.get(stages.size() - 1);
    }

    Map<String, String> globalArgs() {
        return globalArgs;
    }

    private static List<String> logicalLines(List<String> physical) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : physical) {
            String line = raw.strip();
            // A comment line inside a continued instruction is dropped too, as Docker does.
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            if (!current.toString().isBlank()) {
                out.add(current.toString().strip());
            }
            current.setLength(0);
        }
        if (!current.isEmpty()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
