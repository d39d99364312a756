package io.onlinelstm.replay;

import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.SafetensorsWeights;
import io.onlinelstm.model.WeightsCodec;
import io.onlinelstm.operator.ForecastTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Writes the network a replay ended with for {@code --save-model}: a safetensors state_dict when
 * the file name ends in {@code .safetensors}, else the weights file of the model store (the format
 * {@code model.initial} and the store read). The per-series parts (normalisers, AR, combination
 * weights) are not saved: a job learns them again from each series' readings.
 */
final class SavedModel {

    private SavedModel() {}

    static boolean isSafetensors(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors");
    }

    static void write(Path file, ModelWeights weights, ForecastTarget target, long version) throws IOException {
        byte[] bytes = isSafetensors(file)
                ? SafetensorsWeights.encode(weights, target.name(), version)
                : WeightsCodec.encode(weights);
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        // Through a temporary file and a rename: a job started from this file never reads half of it.
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".inprogress");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
