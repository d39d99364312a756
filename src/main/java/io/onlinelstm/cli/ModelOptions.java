package io.onlinelstm.cli;

import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import picocli.CommandLine.Option;

/** Command-line options that describe the network, shared by the subcommands that build one. */
final class ModelOptions {

    @Option(names = "--features", defaultValue = "" + LstmConfig.DEFAULT_FEATURES,
            description = "Input values per event (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--hidden-size", defaultValue = "" + LstmConfig.DEFAULT_HIDDEN_SIZE,
            description = "Units per LSTM layer (default: ${DEFAULT-VALUE}).")
    int hiddenSize;

    @Option(names = "--layers", defaultValue = "" + LstmConfig.DEFAULT_LAYERS,
            description = "Stacked LSTM layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--horizon", defaultValue = "" + LstmConfig.DEFAULT_HORIZON,
            description = "Future values per forecast (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(names = "--dropout", defaultValue = "" + LstmConfig.DEFAULT_DROPOUT,
            description = "Dropout between LSTM layers while training (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--seed", defaultValue = "" + LstmConfig.DEFAULT_SEED,
            description = "Seed of the weight initialisation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", defaultValue = "auto",
            description = "auto (first GPU if any, else CPU), cpu, or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    LstmConfig config() {
        return LstmConfig.builder()
                .features(features)
                .hiddenSize(hiddenSize)
                .layers(layers)
                .horizon(horizon)
                .dropout(dropout)
                .seed(seed)
                .build();
    }

    ComputeDevice computeDevice() {
        return ComputeDevice.parse(device);
    }
}
