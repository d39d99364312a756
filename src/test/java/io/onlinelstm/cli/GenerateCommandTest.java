package io.onlinelstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** generate refuses options out of range before it touches Kafka, naming the option. */
class GenerateCommandTest {

    @Test
    void outOfRangeOptionsAreRefusedWithTheirName() {
        for (List<String> c : List.of(
                List.of("--rate", "0", "invalid value for --rate: must be a number > 0, got 0"),
                List.of("--rate", "-5", "invalid value for --rate: must be a number > 0, got -5"),
                List.of("--series", "0", "invalid value for --series: must be an integer >= 1, got 0"),
                List.of("--bad-rate", "1.5", "invalid value for --bad-rate: must be a number from 0 to 1, got 1.5"),
                List.of("--bad-rate", "NaN", "invalid value for --bad-rate: must be a number from 0 to 1, got NaN"))) {
            StringWriter err = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            // An address nothing answers at: the range check must come first and fail at once.
            int code = cl.execute("generate", "--kafka", "127.0.0.1:1", c.get(0), c.get(1));
            assertEquals(2, code, err.toString());
            assertEquals("error: " + c.get(2) + " (see 'online-lstm generate --help')", err.toString().trim());
        }
    }
}
