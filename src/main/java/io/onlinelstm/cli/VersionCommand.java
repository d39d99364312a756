package io.onlinelstm.cli;

import ai.djl.engine.Engine;
import io.onlinelstm.BuildInfo;
import io.onlinelstm.model.DjlRuntime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints this build's version and the versions of what it runs on. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the versions of flink-online-lstm, Flink, DJL, PyTorch and Kafka.")
final class VersionCommand implements Callable<Integer> {

    @Option(names = "--engine", description = "Also load the PyTorch engine and report it and the GPUs it sees.")
    boolean engine;

    @Override
    public Integer call() {
        System.out.println("flink-online-lstm " + BuildInfo.version());
        System.out.println("Flink             " + BuildInfo.flinkVersion());
        System.out.println("DJL               " + BuildInfo.djlVersion() + " (PyTorch " + BuildInfo.pytorchVersion() + ")");
        System.out.println("Kafka clients     " + BuildInfo.kafkaVersion());
        System.out.println("Java              " + System.getProperty("java.version"));
        if (engine) {
            DjlRuntime.ensureLoaded();
            Engine e = Engine.getEngine(DjlRuntime.ENGINE);
            System.out.println("Engine            " + e.getEngineName() + " " + e.getVersion() + ", GPUs: " + e.getGpuCount());
        }
        return 0;
    }
}
