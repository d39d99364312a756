package io.onlinelstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.model.SafetensorsFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay --save-model} from the command line, and {@code --model.initial} reading what it wrote. */
class ReplaySaveModelCommandTest {

    @Test
    void theSavedModelStartsTheNextReplayAndAMismatchSaysWhichOption(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("time,a\n");
        for (int r = 0; r < 80; r++) {
            csv.append(1_700_000_000_000L + r * 60_000L).append(',').append(5 + Math.sin(r / 3.0)).append('\n');
        }
        Path file = dir.resolve("tiny.csv");
        Files.writeString(file, csv.toString());
        Path saved = dir.resolve("models").resolve("tiny.safetensors");

        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int first;
        int second;
        try {
            first = Main.commandLine().execute("replay", file.toString(), "--out", dir.resolve("one").toString(),
                    "--save-model", saved.toString(), "--model.hidden-size", "4", "--model.layers", "1");
            second = Main.commandLine().execute("replay", file.toString(), "--out", dir.resolve("two").toString(),
                    "--model.initial", saved.toString(), "--model.hidden-size", "4", "--model.layers", "1");
        } finally {
            System.setOut(original);
        }
        assertEquals(0, first, captured.toString(StandardCharsets.UTF_8));
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("Saved model version 0 to " + saved));
        SafetensorsFile written = SafetensorsFile.parse(Files.readAllBytes(saved));
        assertEquals("4", written.metadata().get("hidden_size"));
        assertEquals(0, second);
        assertTrue(Files.readString(dir.resolve("two").resolve("forecasts.csv")).lines().skip(1)
                .allMatch(l -> l.split(",")[4].equals("1")), "every forecast by version 1, the file's model");

        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int refused = cl.execute("replay", file.toString(), "--out", dir.resolve("three").toString(),
                "--model.initial", saved.toString(), "--model.hidden-size", "6", "--model.layers", "1");
        assertEquals(2, refused, err.toString());
        assertTrue(err.toString().contains("--model.hidden-size is 4 in the file and 6 in the job")
                && err.toString().contains("Run the job with --model.hidden-size 4"), err.toString());
    }
}
