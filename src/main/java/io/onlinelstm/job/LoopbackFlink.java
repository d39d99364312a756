package io.onlinelstm.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Settings for the Flink that the launcher starts inside its own JVM (demo, run): every server
 * it opens (Web UI, blob server, shuffle server) listens on 127.0.0.1 only.
 */
public final class LoopbackFlink {

    private static final String LOOPBACK = "127.0.0.1";

    /** Flink's usual Web UI port: taken when free, so the address is the one people expect. */
    public static final int USUAL_WEB_UI_PORT = 8081;

    private LoopbackFlink() {}

    public static Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        return conf;
    }

    /** {@link #configuration()} with the Web UI on {@code port}, or on 8081 if free else any free port when 0. */
    public static Configuration withWebUi(int port) {
        Configuration conf = configuration();
        conf.set(RestOptions.PORT, port > 0 ? port : freeWebUiPort());
        return conf;
    }

    /** A local Flink (in this JVM) that serves its Web UI as {@code conf} says. */
    public static StreamExecutionEnvironment environmentWithWebUi(Configuration conf) {
        return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    }

    /** The Web UI's address for a configuration of {@link #withWebUi}. */
    public static String webUiUrl(Configuration conf) {
        return "http://" + LOOPBACK + ":" + conf.get(RestOptions.PORT);
    }

    private static int freeWebUiPort() {
        for (int candidate : new int[] {USUAL_WEB_UI_PORT, 0}) {
            try (ServerSocket s = new ServerSocket(candidate, 50, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                // 8081 taken: fall through to any free port
            }
        }
        throw new UncheckedIOException(new IOException("No free port for the Flink Web UI"));
    }
}
