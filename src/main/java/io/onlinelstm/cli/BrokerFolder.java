package io.onlinelstm.cli;

import io.onlinelstm.demo.TemporaryFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code bench latency}'s embedded broker keeps its log. The benchmark measures the job, but
 * the broker runs on the same cores: on this project's machine, with its log on the virtual disk,
 * phases stalled for one to four seconds at a time (writeback and file deletion competing for the
 * cores), and with the log in memory they did not. So by default the log goes to /dev/shm when it
 * has room (a search trial writes up to about 3 GB, and a deleted topic's files stay a minute).
 */
final class BrokerFolder {

    static final int MIN_FREE_GB = 8;
    private static final Path SHARED_MEMORY = Path.of("/dev/shm");

    private BrokerFolder() {}

    /** @return the folder for {@code --broker-dir}'s value */
    static Path choose(String option) throws IOException {
        if (!"auto".equals(option)) {
            Path dir = Path.of(option);
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new InvalidOptionException("invalid value for --broker-dir: " + dir + " is not a folder");
            }
            return dir;
        }
        if (Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY)
                && Files.getFileStore(SHARED_MEMORY).getUsableSpace() >= MIN_FREE_GB * 1_000_000_000L) {
            return SHARED_MEMORY;
        }
        return TemporaryFolder.systemTemp();
    }
}
