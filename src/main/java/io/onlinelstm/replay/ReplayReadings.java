package io.onlinelstm.replay;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.onlinelstm.io.RawReading;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The bounded source's records: reading i of a history file, row after row and, within a row,
 * series after series, skipping missing cells, as the JSON a Kafka producer would write, so a
 * replay runs the job's own parser and graph. Its coordinates are the file (as topic) and the
 * reading's index (as offset). The file is loaded once when the source opens, so the job graph
 * carries only its path.
 */
final class ReplayReadings implements GeneratorFunction<Long, RawReading> {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final HistoryFormat format;
    private transient HistoryFile file;
    private transient int[] seriesOf;
    private transient int[] rowOf;

    ReplayReadings(Path path, HistoryFormat format) {
        this.path = path.toAbsolutePath().toString();
        this.format = format;
    }

    @Override
    public void open(SourceReaderContext context) {
        file = HistoryFile.read(Path.of(path), format);
        int n = (int) file.presentValues();
        seriesOf = new int[n];
        rowOf = new int[n];
        enumerate(file, seriesOf, rowOf);
    }

    /** Reading i's series and row, in the source's order (row after row, series after series). */
    private static void enumerate(HistoryFile file, int[] seriesOf, int[] rowOf) {
        int i = 0;
        for (int r = 0; r < file.rows(); r++) {
            for (int s = 0; s < file.series().size(); s++) {
                if (!Double.isNaN(file.value(s, r))) {
                    seriesOf[i] = s;
                    rowOf[i] = r;
                    i++;
                }
            }
        }
    }

    /** Per series and row, whether the job refused that reading: the dead letters' offsets are reading indices. */
    static boolean[][] refusedCells(HistoryFile file, Path deadLetters) {
        int n = (int) file.presentValues();
        int[] seriesOf = new int[n];
        int[] rowOf = new int[n];
        enumerate(file, seriesOf, rowOf);
        boolean[][] refused = new boolean[file.series().size()][file.rows()];
        try (var lines = java.nio.file.Files.lines(deadLetters, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                try {
                    int i = (int) io.onlinelstm.io.JsonCodec.mapper().readTree(line).get("offset").asLong();
                    refused[seriesOf[i]][rowOf[i]] = true;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("Unreadable dead letter in " + deadLetters, e);
                }
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read the replay's dead letters " + deadLetters, e);
        }
        return refused;
    }

    @Override
    public RawReading map(Long index) {
        int i = index.intValue();
        int s = seriesOf[i];
        int r = rowOf[i];
        // Double.toString round-trips exactly, so the parser reads back the very value in the file.
        String json = "{\"key\":" + quote(file.series().get(s)) + ",\"ts\":" + file.time(r)
                + ",\"value\":" + file.value(s, r) + "}";
        return new RawReading(json.getBytes(StandardCharsets.UTF_8), Path.of(path).getFileName().toString(), 0, i,
                System.currentTimeMillis());
    }

    private static String quote(String key) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsUTF8(key), StandardCharsets.UTF_8) + "\"";
    }
}
