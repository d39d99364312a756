package io.onlinelstm.replay;

import io.onlinelstm.io.Reading;
import java.nio.file.Path;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The bounded source's records: reading i of a history file, row after row and, within a row,
 * series after series, skipping missing cells. The file is loaded once when the source opens, so
 * the job graph carries only its path.
 */
final class ReplayReadings implements GeneratorFunction<Long, Reading> {

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

    @Override
    public Reading map(Long index) {
        int i = index.intValue();
        int s = seriesOf[i];
        int r = rowOf[i];
        return new Reading(file.series().get(s), file.time(r), file.value(s, r), null, System.currentTimeMillis());
    }
}
