package io.onlinelstm.replay;

import java.io.PrintStream;

/**
 * Progress of a long replay: a bar redrawn in place on a terminal, a plain line every few seconds
 * otherwise (logs, CI).
 */
final class Progress {

    private final PrintStream out;
    private final boolean terminal;
    private final long total;
    private final long start = System.nanoTime();
    private long lastLine;

    Progress(PrintStream out, boolean terminal, long total) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
    }

    void update(long done) {
        long now = System.nanoTime();
        if (!terminal && now - lastLine < 5_000_000_000L && done < total) {
            return;
        }
        lastLine = now;
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        long left = rate > 0 ? (long) ((total - done) / rate) : -1;
        int percent = total == 0 ? 100 : (int) (100 * done / total);
        String eta = left < 0 ? "--:--" : String.format("%02d:%02d", left / 60, left % 60);
        if (terminal) {
            int filled = percent * 30 / 100;
            out.printf("\r[%s%s] %3d%% %,d/%,d readings  %,.0f/s  %s left ", "#".repeat(filled), "-".repeat(30 - filled),
                    percent, done, total, rate, eta);
            if (done >= total) {
                out.println();
            }
        } else {
            out.printf("replay: %,d of %,d readings (%d%%), %,.0f readings/s, %s left%n", done, total, percent, rate, eta);
        }
        out.flush();
    }
}
