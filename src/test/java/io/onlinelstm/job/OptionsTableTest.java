package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/** The job options table in docs/operations.md is the one {@link OptionsTable} generates from {@link JobOptions}. */
class OptionsTableTest {

    private static final Path OPERATIONS = Path.of("docs/operations.md");

    private static String committedBlock() throws Exception {
        String document = Files.readString(OPERATIONS, StandardCharsets.UTF_8);
        String block = OptionsTable.committedBlock(document);
        assertNotNull(block, OPERATIONS + " must hold the job options table between " + OptionsTable.BEGIN
                + " and " + OptionsTable.END + "; regenerate it with: " + OptionsTable.REGENERATE);
        return block;
    }

    @Test
    void committedTableIsTheGeneratedOne() throws Exception {
        String committed = committedBlock();
        String expected = OptionsTable.block();
        if (!committed.equals(expected)) {
            Path generated = Path.of("target/operations-options-table.md");
            Files.createDirectories(generated.getParent());
            Files.writeString(generated, expected, StandardCharsets.UTF_8);
            fail("The job options table in " + OPERATIONS + " is not the one generated from JobOptions."
                    + " Regenerate it from the repository root with:\n  " + OptionsTable.REGENERATE
                    + "\n(the expected block is also in " + generated + "). Expected:\n" + expected);
        }
    }

    @Test
    void everyOptionAppearsInTheCommittedTable() throws Exception {
        String committed = committedBlock();
        List<String> missing = new ArrayList<>();
        for (ConfigOption<?> option : JobOptions.all()) {
            if (!committed.contains("| `--" + option.key() + "`")) {
                missing.add(option.key());
            }
        }
        assertTrue(missing.isEmpty(), "options missing from the table in " + OPERATIONS + ": " + missing
                + "; regenerate it with: " + OptionsTable.REGENERATE);
    }

    @Test
    void everyOptionDeclaredInJobOptionsIsListed() throws Exception {
        Set<ConfigOption<?>> listed = new HashSet<>(JobOptions.all());
        assertEquals(JobOptions.all().size(), listed.size(), "JobOptions.all() lists an option twice");
        List<String> unlisted = new ArrayList<>();
        for (Field field : JobOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())
                    && !listed.contains((ConfigOption<?>) field.get(null))) {
                unlisted.add(field.getName());
            }
        }
        assertTrue(unlisted.isEmpty(), "options declared in JobOptions but missing from JobOptions.all()"
                + " (so from --help and the docs): " + unlisted);
    }

    @Test
    void tableHasOneRowPerOptionWithItsDefaultAndDescription() {
        String table = OptionsTable.markdown();
        List<String> rows = table.lines().skip(2).toList();
        assertEquals(JobOptions.all().size(), rows.size(), table);
        assertTrue(table.contains("| `--forecaster.bundle-size` | integer | `256` | Readings stepped together"), table);
        assertTrue(table.contains("| `--checkpoint.interval` | duration | `10 s` |"), table);
        assertTrue(table.contains("| `--model.initial` (also `--initial-model`) | string | (empty) |"), table);
    }
}
