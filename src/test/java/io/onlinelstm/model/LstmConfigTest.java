package io.onlinelstm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LstmConfigTest {

    @Test
    void defaultsAreTheKerasBaseline() {
        LstmConfig c = LstmConfig.defaults();
        assertEquals(1, c.features());
        assertEquals(64, c.hiddenSize());
        assertEquals(2, c.layers());
        assertEquals(1, c.horizon());
        assertEquals(0f, c.dropout());
        assertEquals(128, c.stateSize());
    }

    @Test
    void invalidValuesNameTheField() {
        assertMessage("LstmConfig.features", () -> LstmConfig.builder().features(0).build());
        assertMessage("LstmConfig.hiddenSize", () -> LstmConfig.builder().hiddenSize(-3).build());
        assertMessage("LstmConfig.layers", () -> LstmConfig.builder().layers(0).build());
        assertMessage("LstmConfig.horizon", () -> LstmConfig.builder().horizon(100_000).build());
        assertMessage("LstmConfig.dropout", () -> LstmConfig.builder().dropout(1f).build());
        assertMessage("LstmConfig.dropout", () -> LstmConfig.builder().dropout(Float.NaN).build());
        assertMessage("OptimizerConfig.learningRate", () -> OptimizerConfig.builder().learningRate(0f).build());
        assertMessage("OptimizerConfig.beta2", () -> OptimizerConfig.builder().beta2(1f).build());
        assertMessage("OptimizerConfig.clipNorm", () -> OptimizerConfig.builder().clipNorm(-1f).build());
    }

    @Test
    void deviceParsing() {
        assertEquals(ComputeDevice.AUTO, ComputeDevice.parse("auto"));
        assertEquals(ComputeDevice.CPU, ComputeDevice.parse(" CPU "));
        assertEquals(ComputeDevice.gpu(0), ComputeDevice.parse("gpu"));
        assertEquals(ComputeDevice.gpu(3), ComputeDevice.parse("gpu:3"));
        assertEquals("gpu:3", ComputeDevice.gpu(3).toString());
        assertMessage("use auto, cpu, or gpu:N", () -> ComputeDevice.parse("tpu"));
        assertMessage("use auto, cpu, or gpu:N", () -> ComputeDevice.parse("gpu:x"));
    }

    @Test
    void autoFallsBackToCpuAndMissingGpuIsAClearError() {
        // This machine has no GPU; on one that has, auto picks gpu:0 and gpu:99 still fails.
        ai.djl.Device auto = ComputeDevice.AUTO.resolve();
        assertTrue(auto.isGpu() || auto.equals(ai.djl.Device.cpu()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ComputeDevice.gpu(99).resolve());
        assertTrue(e.getMessage().contains("gpu:99 was requested"), e.getMessage());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
