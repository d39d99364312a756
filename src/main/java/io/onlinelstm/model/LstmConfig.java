package io.onlinelstm.model;

import java.io.Serializable;
import java.util.Objects;

/**
 * Architecture of the forecasting network: a stacked LSTM and a linear head from the last layer's
 * hidden state to the next {@code horizon} values.
 *
 * <p>Defaults are the classic Keras baseline: 2 layers of 64 units, one input feature, horizon 1.
 * Immutable and serializable, so Flink can ship it to every task.
 */
public final class LstmConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_FEATURES = 1;
    public static final int DEFAULT_HIDDEN_SIZE = 64;
    public static final int DEFAULT_LAYERS = 2;
    public static final int DEFAULT_HORIZON = 1;
    public static final float DEFAULT_DROPOUT = 0f;
    public static final long DEFAULT_SEED = 42L;

    public static final int MAX_FEATURES = 4096;
    public static final int MAX_HIDDEN_SIZE = 4096;
    public static final int MAX_LAYERS = 16;
    public static final int MAX_HORIZON = 1024;

    private final int features;
    private final int hiddenSize;
    private final int layers;
    private final int horizon;
    private final float dropout;
    private final long seed;

    private LstmConfig(Builder b) {
        this.features = requireRange("features", b.features, 1, MAX_FEATURES);
        this.hiddenSize = requireRange("hiddenSize", b.hiddenSize, 1, MAX_HIDDEN_SIZE);
        this.layers = requireRange("layers", b.layers, 1, MAX_LAYERS);
        this.horizon = requireRange("horizon", b.horizon, 1, MAX_HORIZON);
        if (!(b.dropout >= 0f && b.dropout < 1f)) {
            throw new IllegalArgumentException(
                    "LstmConfig.dropout must be in [0, 1), got " + b.dropout);
        }
        this.dropout = b.dropout;
        this.seed = b.seed;
    }

    private static int requireRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "LstmConfig." + field + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public static LstmConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .features(features)
                .hiddenSize(hiddenSize)
                .layers(layers)
                .horizon(horizon)
                .dropout(dropout)
                .seed(seed);
    }

    /** Input values per event. */
    public int features() {
        return features;
    }

    /** Units in each LSTM layer. */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** Stacked LSTM layers. */
    public int layers() {
        return layers;
    }

    /** How many future values one forecast holds. */
    public int horizon() {
        return horizon;
    }

    /** Dropout between LSTM layers while training (never applied when forecasting). */
    public float dropout() {
        return dropout;
    }

    /** Seed of the weight initialisation (and of dropout masks while training). */
    public long seed() {
        return seed;
    }

    /** Floats of one series' recurrent state (h or c) over all layers. */
    public int stateSize() {
        return layers * hiddenSize;
    }

    /**
     * Whether weights made for {@code other} fit this network. Dropout and seed only matter while
     * training, so they do not count.
     */
    public boolean sameArchitecture(LstmConfig other) {
        return features == other.features
                && hiddenSize == other.hiddenSize
                && layers == other.layers
                && horizon == other.horizon;
    }

    /** A readable list of the architecture fields that differ, for error messages. */
    public String architectureDifferences(LstmConfig other) {
        StringBuilder sb = new StringBuilder();
        appendDiff(sb, "features", features, other.features);
        appendDiff(sb, "hiddenSize", hiddenSize, other.hiddenSize);
        appendDiff(sb, "layers", layers, other.layers);
        appendDiff(sb, "horizon", horizon, other.horizon);
        return sb.toString();
    }

    private static void appendDiff(StringBuilder sb, String field, int mine, int theirs) {
        if (mine != theirs) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(field).append('=').append(theirs).append(" (expected ").append(mine).append(')');
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LstmConfig)) {
            return false;
        }
        LstmConfig that = (LstmConfig) o;
        return sameArchitecture(that)
                && Float.compare(dropout, that.dropout) == 0
                && seed == that.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(features, hiddenSize, layers, horizon, dropout, seed);
    }

    @Override
    public String toString() {
        return "LstmConfig{features=" + features
                + ", hiddenSize=" + hiddenSize
                + ", layers=" + layers
                + ", horizon=" + horizon
                + ", dropout=" + dropout
                + ", seed=" + seed
                + '}';
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private int features = DEFAULT_FEATURES;
        private int hiddenSize = DEFAULT_HIDDEN_SIZE;
        private int layers = DEFAULT_LAYERS;
        private int horizon = DEFAULT_HORIZON;
        private float dropout = DEFAULT_DROPOUT;
        private long seed = DEFAULT_SEED;

        public Builder features(int v) {
            this.features = v;
            return this;
        }

        public Builder hiddenSize(int v) {
            this.hiddenSize = v;
            return this;
        }

        public Builder layers(int v) {
            this.layers = v;
            return this;
        }

        public Builder horizon(int v) {
            this.horizon = v;
            return this;
        }

        public Builder dropout(float v) {
            this.dropout = v;
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        public LstmConfig build() {
            return new LstmConfig(this);
        }
    }
}
