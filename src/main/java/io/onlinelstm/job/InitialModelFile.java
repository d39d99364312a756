package io.onlinelstm.job;

import io.onlinelstm.model.IncompatibleModelException;
import io.onlinelstm.model.InvalidModelException;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.SafetensorsFile;
import io.onlinelstm.model.SafetensorsWeights;
import io.onlinelstm.model.WeightsCodec;
import io.onlinelstm.operator.ForecastTarget;
import io.onlinelstm.training.ModelStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the file of {@code model.initial} (a safetensors state_dict or this project's weights
 * file, told apart by their first bytes) and checks it against the job's model options, so that a
 * mismatch is reported as the options to change rather than as a tensor shape.
 */
final class InitialModelFile {

    private InitialModelFile() {}

    /**
     * @param uri a path or URI Flink's file systems read (file://, s3://, hdfs://)
     * @throws IllegalArgumentException when the file was made for another configuration than the job's
     */
    static ModelWeights read(String uri, LstmConfig job, ForecastTarget target) {
        byte[] bytes;
        try {
            bytes = ModelStore.read(uri, null);
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("Cannot read --" + JobOptions.MODEL_INITIAL.key() + " " + uri + " ("
                    + e.getCause().getMessage() + "). Give the path of a .safetensors file or of a weights file that"
                    + " replay --save-model wrote, readable from where the job is built.", e);
        }
        if (!SafetensorsFile.looksLike(bytes) && !isWeightsFile(bytes)) {
            throw new IllegalArgumentException("--" + JobOptions.MODEL_INITIAL.key() + " " + uri + " is neither a"
                    + " safetensors file nor a weights file of this project (by its first bytes). Give a file that"
                    + " replay --save-model or safetensors' save_file wrote.");
        }
        try {
            return SafetensorsFile.looksLike(bytes) ? fromSafetensors(bytes, job, target, uri)
                    : fromWeightsFile(bytes, job, uri);
        } catch (InvalidModelException e) {
            throw new IllegalArgumentException("--" + JobOptions.MODEL_INITIAL.key() + " " + uri + ": " + e.getMessage(), e);
        }
    }

    private static ModelWeights fromWeightsFile(byte[] bytes, LstmConfig job, String uri) {
        ModelWeights weights = WeightsCodec.decode(bytes);
        // The project's own file carries no forecast target: the job's forecaster.target is taken on trust.
        Mismatch m = new Mismatch(uri);
        LstmConfig file = weights.config();
        m.compare(JobOptions.MODEL_FEATURES.key(), Integer.toString(file.features()), job.features());
        m.compare(JobOptions.MODEL_HIDDEN_SIZE.key(), Integer.toString(file.hiddenSize()), job.hiddenSize());
        m.compare(JobOptions.MODEL_LAYERS.key(), Integer.toString(file.layers()), job.layers());
        m.compare(JobOptions.MODEL_HORIZON.key(), Integer.toString(file.horizon()), job.horizon());
        m.throwIfAny();
        // The job's dropout and seed, which only matter while training, go with the file's tensors.
        return new ModelWeights(job, weights.tensors());
    }

    private static boolean isWeightsFile(byte[] bytes) {
        return bytes.length >= 4 && ByteBuffer.wrap(bytes, 0, 4).getInt() == WeightsCodec.MAGIC;
    }

    private static ModelWeights fromSafetensors(byte[] bytes, LstmConfig job, ForecastTarget target, String uri) {
        SafetensorsFile file = SafetensorsFile.parse(bytes);
        Map<String, String> meta = file.metadata();
        SafetensorsWeights.checkFormat(meta);
        // Keys a file written elsewhere leaves out are not compared; its tensor shapes are checked all the same.
        Mismatch m = new Mismatch(uri);
        m.compare(JobOptions.MODEL_FEATURES.key(), meta.get(SafetensorsWeights.KEY_FEATURES), job.features());
        m.compare(JobOptions.MODEL_HIDDEN_SIZE.key(), meta.get(SafetensorsWeights.KEY_HIDDEN_SIZE), job.hiddenSize());
        m.compare(JobOptions.MODEL_LAYERS.key(), meta.get(SafetensorsWeights.KEY_LAYERS), job.layers());
        m.compare(JobOptions.MODEL_HORIZON.key(), meta.get(SafetensorsWeights.KEY_HORIZON), job.horizon());
        String fileTarget = meta.get(SafetensorsWeights.KEY_TARGET);
        if (fileTarget != null) {
            m.compare(JobOptions.FORECAST_TARGET.key(), fileTarget.trim().toLowerCase(Locale.ROOT),
                    target.name().toLowerCase(Locale.ROOT));
        }
        m.throwIfAny();
        return SafetensorsWeights.decode(file, job);
    }

    /** The options whose value in the file differs from the job's. */
    private static final class Mismatch {
        final String uri;
        final List<String> differences = new ArrayList<>();
        final List<String> fix = new ArrayList<>();

        Mismatch(String uri) {
            this.uri = uri;
        }

        void compare(String option, String fileValue, int jobValue) {
            if (fileValue != null) {
                int parsed;
                try {
                    parsed = Integer.parseInt(fileValue.trim());
                } catch (NumberFormatException e) {
                    throw new IncompatibleModelException("its metadata value for the job's --" + option + " is '"
                            + fileValue + "', not a whole number. Write the metadata as the documentation shows, or"
                            + " leave that key out.");
                }
                compare(option, Integer.toString(parsed), Integer.toString(jobValue));
            }
        }

        void compare(String option, String fileValue, String jobValue) {
            if (!fileValue.equals(jobValue)) {
                differences.add("--" + option + " is " + fileValue + " in the file and " + jobValue + " in the job");
                fix.add("--" + option + " " + fileValue);
            }
        }

        void throwIfAny() {
            if (!differences.isEmpty()) {
                throw new IllegalArgumentException("--" + JobOptions.MODEL_INITIAL.key() + " " + uri + " was made for"
                        + " another configuration than this job's: " + String.join("; ", differences) + ". Run the job"
                        + " with " + String.join(" ", fix) + " (the file's values), or give a model.initial made for"
                        + " this job's options.");
            }
        }
    }
}
