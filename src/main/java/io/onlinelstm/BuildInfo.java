package io.onlinelstm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions this build was made with, filled in by Maven. */
public final class BuildInfo {

    private static final Properties PROPS = load();

    private BuildInfo() {}

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static String version() {
        return PROPS.getProperty("version", "unknown");
    }

    public static String flinkVersion() {
        return PROPS.getProperty("flink", "unknown");
    }

    public static String djlVersion() {
        return PROPS.getProperty("djl", "unknown");
    }

    public static String pytorchVersion() {
        return PROPS.getProperty("pytorch", "unknown");
    }

    public static String kafkaVersion() {
        return PROPS.getProperty("kafka", "unknown");
    }
}
