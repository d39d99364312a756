package io.onlinelstm.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The network's weights as a PyTorch state_dict in a {@link SafetensorsFile}: the names and
 * shapes of {@code torch.nn.LSTM(features, hidden, layers, batch_first=True)} registered as
 * {@code lstm} and {@code torch.nn.Linear(hidden, horizon)} registered as {@code head}, F32.
 *
 * <p>No conversion is needed in either direction: DJL's LSTM on the PyTorch engine is torch's own
 * fused LSTM, so the gates are stacked i, f, g, o and there are two biases per layer, bias_ih and
 * bias_hh, exactly as in PyTorch (their sum is what the gates see).
 *
 * <p>The metadata says what the network was made for ({@link #metadata}): configuration, forecast
 * target and the normalisation its inputs and outputs live in, because the weights alone do not
 * tell how to feed them.
 */
public final class SafetensorsWeights {

    public static final String FORMAT = "flink-online-lstm";
    public static final String FORMAT_VERSION = "1";

    public static final String KEY_FORMAT = "format";
    public static final String KEY_FORMAT_VERSION = "format_version";
    public static final String KEY_FEATURES = "features";
    public static final String KEY_HIDDEN_SIZE = "hidden_size";
    public static final String KEY_LAYERS = "layers";
    public static final String KEY_HORIZON = "horizon";
    public static final String KEY_TARGET = "target";
    public static final String KEY_MODEL_VERSION = "model_version";
    public static final String KEY_INPUT_NORMALISATION = "input_normalisation";
    public static final String KEY_OUTPUT_SCALE = "output_scale";
    public static final String KEY_GATE_ORDER = "gate_order";
    public static final String KEY_BIAS = "bias";

    static final String INPUT_NORMALISATION = "per series, online: input_i = (x_i - mean_i) / std_i over every reading"
            + " of the series so far, this one included (population std; 1 while fewer than 2 readings or when"
            + " std <= 1e-6 * max(1, |mean_i|)); input 0 is the value, inputs 1.. the reading's extra features;"
            + " the recurrent state starts at zero for a new series";
    static final String OUTPUT_DELTA = "forecast_k = value + output_k * rms_change, rms_change = sqrt(sum of squared"
            + " changes between consecutive readings / their count) over the series so far (1 while fewer than"
            + " 3 readings)";
    static final String OUTPUT_LEVEL = "forecast_k = output_k * std_0 + mean_0 (the value's input normalisation)";

    private SafetensorsWeights() {}

    /**
     * The file's bytes.
     *
     * @param target what the network outputs, {@code delta} or {@code level}
     * @param version the model version the weights are (metadata only)
     */
    public static byte[] encode(ModelWeights weights, String target, long version) {
        Map<String, SafetensorsFile.Tensor> tensors = new LinkedHashMap<>();
        for (TensorSpec spec : TensorSpec.layout(weights.config())) {
            tensors.put(spec.name(), SafetensorsFile.Tensor.f32(spec.shape(), weights.tensors().get(spec.name())));
        }
        return new SafetensorsFile(tensors, metadata(weights.config(), target, version)).toBytes();
    }

    /** The metadata written with the weights; every value is a string, as the format requires. */
    static Map<String, String> metadata(LstmConfig config, String target, long version) {
        String t = target.toLowerCase(Locale.ROOT);
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FORMAT, FORMAT);
        m.put(KEY_FORMAT_VERSION, FORMAT_VERSION);
        m.put(KEY_FEATURES, Integer.toString(config.features()));
        m.put(KEY_HIDDEN_SIZE, Integer.toString(config.hiddenSize()));
        m.put(KEY_LAYERS, Integer.toString(config.layers()));
        m.put(KEY_HORIZON, Integer.toString(config.horizon()));
        m.put(KEY_TARGET, t);
        m.put(KEY_MODEL_VERSION, Long.toString(version));
        m.put(KEY_INPUT_NORMALISATION, INPUT_NORMALISATION);
        m.put(KEY_OUTPUT_SCALE, t.equals("level") ? OUTPUT_LEVEL : OUTPUT_DELTA);
        m.put(KEY_GATE_ORDER, "i,f,g,o");
        m.put(KEY_BIAS, "bias_ih and bias_hh as in torch.nn.LSTM; the gates see their sum");
        return m;
    }

    /**
     * Checks that the metadata, when it says it is this project's, is of a format version this
     * build reads. Files without it (written in Python without metadata) are judged by their tensors.
     */
    public static void checkFormat(Map<String, String> metadata) {
        String version = metadata.get(KEY_FORMAT_VERSION);
        if (FORMAT.equals(metadata.get(KEY_FORMAT)) && version != null && !FORMAT_VERSION.equals(version)) {
            throw new IncompatibleModelException("The safetensors file is of " + FORMAT + " format version " + version
                    + "; this build reads version " + FORMAT_VERSION + ". Export it with a matching release.");
        }
    }

    /**
     * The weights for {@code expected}'s network. Every tensor of the layout must be there as F32
     * in its shape, and nothing else may be.
     *
     * @throws IncompatibleModelException naming the first tensor that is missing, unexpected, not
     *     F32 or of another shape
     */
    public static ModelWeights decode(SafetensorsFile file, LstmConfig expected) {
        List<TensorSpec> layout = TensorSpec.layout(expected);
        String network = "this job's network (features " + expected.features() + ", hidden size "
                + expected.hiddenSize() + ", layers " + expected.layers() + ", horizon " + expected.horizon() + ")";
        String fix = " Export the model for that configuration, or set --model.features, --model.hidden-size,"
                + " --model.layers and --model.horizon to the ones it was trained with.";
        Map<String, float[]> values = new LinkedHashMap<>();
        for (TensorSpec spec : layout) {
            SafetensorsFile.Tensor t = file.tensors().get(spec.name());
            if (t == null) {
                throw new IncompatibleModelException("The safetensors file lacks tensor '" + spec.name() + "' (shape "
                        + Arrays.toString(spec.shape()) + ") that " + network + " needs; it holds "
                        + file.tensors().keySet() + "." + fix);
            }
            if (!"F32".equals(t.dtype())) {
                throw new IncompatibleModelException("Tensor '" + spec.name() + "' is " + t.dtype() + "; this job reads"
                        + " F32 only. Save the state_dict as float32 (model.float() before save_file).");
            }
            if (!Arrays.equals(t.shape(), spec.shape())) {
                throw new IncompatibleModelException("Tensor '" + spec.name() + "' has shape " + Arrays.toString(t.shape())
                        + " but " + network + " needs " + Arrays.toString(spec.shape()) + "." + fix);
            }
            values.put(spec.name(), t.floats());
        }
        List<String> extra = new ArrayList<>();
        for (String name : file.tensors().keySet()) {
            if (!values.containsKey(name)) {
                extra.add(name);
            }
        }
        if (!extra.isEmpty()) {
            throw new IncompatibleModelException("The safetensors file holds tensor" + (extra.size() > 1 ? "s " : " ")
                    + extra + " that " + network + " does not have: it expects exactly " + values.keySet()
                    + ". Export only the lstm and head modules (a torch.nn.LSTM named 'lstm' and a torch.nn.Linear"
                    + " named 'head', bias=True, no projections, not bidirectional).");
        }
        return new ModelWeights(expected, values);
    }
}
