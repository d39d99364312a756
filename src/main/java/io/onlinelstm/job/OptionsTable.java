package io.onlinelstm.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

/**
 * The job options table of docs/operations.md, generated from {@link JobOptions} with the names,
 * types, defaults and descriptions {@code --help} shows ({@link JobConfig#helpText()}), so the
 * options are defined in one place only.
 *
 * <p>{@code java -cp 'target/classes:target/lib/*' io.onlinelstm.job.OptionsTable} prints the
 * table; with {@code --write docs/operations.md} it replaces the table between the markers
 * {@value #BEGIN} and {@value #END} of that file. {@code OptionsTableTest} fails when the committed
 * table differs from the generated one.
 */
public final class OptionsTable {

    public static final String BEGIN = "<!-- options:begin -->";
    public static final String END = "<!-- options:end -->";

    /** The command that regenerates the table in docs/operations.md, from the repository root. */
    public static final String REGENERATE = "mvn -B -ntp -q -DskipTests package && "
            + "java -cp 'target/classes:target/lib/*' io.onlinelstm.job.OptionsTable --write docs/operations.md";

    private OptionsTable() {}

    /** The markdown table of every option in {@link JobOptions#all()}, in --help order. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| option | type | default | description |\n");
        sb.append("| --- | --- | --- | --- |\n");
        for (ConfigOption<?> o : JobOptions.all()) {
            StringBuilder name = new StringBuilder("`--").append(o.key()).append('`');
            for (FallbackKey fallback : o.fallbackKeys()) {
                name.append(" (also `--").append(fallback.getKey()).append("`)");
            }
            String def = JobConfig.defaultText(o);
            sb.append("| ").append(name)
                    .append(" | ").append(JobConfig.typeName(o))
                    .append(" | ").append(def.isEmpty() ? "(empty)" : "`" + def + "`")
                    .append(" | ").append(cell(JobConfig.describe(o)))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** The table as it sits in a document: between the marker lines, inclusive. */
    public static String block() {
        return BEGIN + "\n" + markdown() + END;
    }

    /** The text between the markers of a document (markers included), or null when it has none. */
    public static String committedBlock(String document) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            return null;
        }
        return document.substring(begin, end + END.length());
    }

    /** The document with the table between its markers replaced by the generated one. */
    public static String replaceBlock(String document) {
        String committed = committedBlock(document);
        if (committed == null) {
            throw new IllegalArgumentException("no " + BEGIN + " ... " + END + " markers in the document");
        }
        return document.replace(committed, block());
    }

    private static String cell(String text) {
        // A pipe would end the cell; a '<' could start an HTML tag.
        return text.replace("|", "\\|").replace("<", "\\<");
    }

    public static void main(String[] args) throws IOException {
        List<String> rest = new ArrayList<>(List.of(args));
        if (rest.isEmpty()) {
            System.out.print(markdown());
        } else if (rest.size() == 2 && rest.get(0).equals("--write")) {
            Path file = Path.of(rest.get(1));
            String document = Files.readString(file, StandardCharsets.UTF_8);
            Files.writeString(file, replaceBlock(document), StandardCharsets.UTF_8);
            System.out.println("wrote the job options table into " + file);
        } else {
            System.err.println("usage: OptionsTable [--write docs/operations.md]");
            System.exit(2);
        }
    }
}
