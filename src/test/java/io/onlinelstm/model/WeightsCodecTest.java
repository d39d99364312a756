package io.onlinelstm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightsCodecTest {

    private final LstmConfig config = LstmConfig.builder().features(2).hiddenSize(12).layers(2).horizon(3).seed(17).build();

    @Test
    void roundTripKeepsConfigAndEveryValue() {
        ModelWeights weights = LstmKernelCheck.randomWeights(config, new Random(1));
        byte[] bytes = WeightsCodec.encode(weights);
        ModelWeights decoded = WeightsCodec.decode(bytes, config);
        assertEquals(config, decoded.config());
        assertTrue(weights.sameValues(decoded));
        assertEquals(64, WeightsCodec.checksum(bytes).length());
    }

    @Test
    void roundTripThroughTwoModelsGivesTheSameForecasts() {
        ModelWeights weights = LstmKernelCheck.randomWeights(config, new Random(2));
        float[][] x = {{0.5f, -1f}, {2f, 0.1f}};
        try (LstmModel a = LstmModel.create(weights, ComputeDevice.CPU);
                LstmModel b = LstmModel.create(config, ComputeDevice.CPU)) {
            b.loadWeights(WeightsCodec.decode(WeightsCodec.encode(a.weights()), config));
            assertArrayEquals(a.step(x, null, null).forecasts()[1], b.step(x, null, null).forecasts()[1], 0f);
        }
    }

    @Test
    void copyWeightsFromMakesTheTargetForecastLikeTheSource() {
        float[][] x = {{0.3f, 0.7f}};
        try (LstmModel source = LstmModel.create(LstmKernelCheck.randomWeights(config, new Random(3)), ComputeDevice.CPU);
                LstmModel target = LstmModel.create(config, ComputeDevice.CPU)) {
            float[] before = target.step(x, null, null).forecasts()[0];
            float[] expected = source.step(x, null, null).forecasts()[0];
            assertNotEquals(expected[0], before[0]);
            target.copyWeightsFrom(source);
            assertArrayEquals(expected, target.step(x, null, null).forecasts()[0], 0f);
        }
    }

    @Test
    void everyCorruptedByteIsRejectedAsCorruption() {
        byte[] bytes = WeightsCodec.encode(WeightInitializer.initialize(config));
        // One in the header, one in the tensors, one in the checksum itself.
        for (int position : new int[] {9, bytes.length / 2, bytes.length - 1}) {
            byte[] corrupted = bytes.clone();
            corrupted[position] ^= 0x10;
            CorruptModelException e = assertThrows(CorruptModelException.class, () -> WeightsCodec.decode(corrupted, config));
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        }
        byte[] truncated = java.util.Arrays.copyOf(bytes, 20);
        CorruptModelException e = assertThrows(CorruptModelException.class, () -> WeightsCodec.decode(truncated, config));
        assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
    }

    @Test
    void mismatchedConfigIsRejectedNamingTheField() {
        byte[] bytes = WeightsCodec.encode(WeightInitializer.initialize(config));
        LstmConfig other = config.toBuilder().hiddenSize(64).build();
        IncompatibleModelException e = assertThrows(IncompatibleModelException.class, () -> WeightsCodec.decode(bytes, other));
        assertTrue(e.getMessage().contains("Model config mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("hiddenSize=12 (expected 64)"), e.getMessage());
    }

    @Test
    void loadingIntoAModelOfAnotherArchitectureIsRefused() {
        try (LstmModel model = LstmModel.create(config.toBuilder().layers(1).build(), ComputeDevice.CPU)) {
            IncompatibleModelException e = assertThrows(
                    IncompatibleModelException.class, () -> model.loadWeights(WeightInitializer.initialize(config)));
            assertTrue(e.getMessage().contains("layers=2 (expected 1)"), e.getMessage());
        }
    }

    @Test
    void seedAndDropoutDoNotCountAsArchitecture() {
        byte[] bytes = WeightsCodec.encode(WeightInitializer.initialize(config));
        LstmConfig retrained = config.toBuilder().seed(99).dropout(0.2f).build();
        assertEquals(config, WeightsCodec.decode(bytes, retrained).config());
    }
}
