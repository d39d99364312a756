package io.onlinelstm.training;

import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.WeightsCodec;
import java.io.Serializable;

/** A model version and its encoded weights ({@link WeightsCodec} bytes). */
public record VersionedModel(long version, byte[] encoded) implements Serializable {

    public static VersionedModel of(long version, ModelWeights weights) {
        return new VersionedModel(version, WeightsCodec.encode(weights));
    }

    /** Decodes and checks the architecture against {@code expected}. */
    public ModelWeights weights(LstmConfig expected) {
        return WeightsCodec.decode(encoded, expected);
    }

    public String checksum() {
        return WeightsCodec.checksum(encoded);
    }
}
