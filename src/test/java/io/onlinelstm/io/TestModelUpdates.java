package io.onlinelstm.io;

import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.model.WeightsCodec;

/** Model updates for tests: a valid update of fresh weights for a configuration, weights inline. */
public final class TestModelUpdates {

    private TestModelUpdates() {}

    public static ModelUpdate of(long version, LstmConfig config) {
        ModelUpdate u = new ModelUpdate();
        u.version = version;
        u.weights = WeightsCodec.encode(WeightInitializer.initialize(config));
        u.checksum = WeightsCodec.checksum(u.weights);
        u.features = config.features();
        u.hiddenSize = config.hiddenSize();
        u.layers = config.layers();
        u.horizon = config.horizon();
        u.publishedAt = System.currentTimeMillis();
        u.newestWindowAt = u.publishedAt;
        return u;
    }
}
