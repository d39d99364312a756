package io.onlinelstm.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LstmKernelCheckTest {

    private static final LstmConfig CONFIG =
            LstmConfig.builder().features(3).hiddenSize(16).layers(2).horizon(2).seed(7).build();

    /** The tests run with ONEDNN_MAX_CPU_ISA=AVX2 (pom.xml), as every launcher starts the job. */
    @Test
    void pyTorchsLstmMatchesTheEquationsHere() {
        assertDoesNotThrow(DjlRuntime::ensureLoaded);
        ModelWeights weights = LstmKernelCheck.randomWeights(CONFIG, new Random(11));
        try (LstmModel model = LstmModel.create(weights, ComputeDevice.CPU)) {
            double difference = LstmKernelCheck.largestDifference(model, weights);
            assertTrue(difference <= LstmKernelCheck.TOLERANCE, "difference " + difference);
        }
    }

    /** A kernel that is off (here: one gate bias a little off, as a wrong kernel would be) fails the check. */
    @Test
    void aKernelThatIsOffFailsTheCheck() {
        ModelWeights weights = LstmKernelCheck.randomWeights(CONFIG, new Random(11));
        Map<String, float[]> tensors = new java.util.LinkedHashMap<>();
        weights.tensors().forEach((name, v) -> tensors.put(name, v.clone()));
        tensors.get(TensorSpec.biasIh(1))[3] += 0.05f;
        try (LstmModel off = LstmModel.create(new ModelWeights(CONFIG, tensors), ComputeDevice.CPU)) {
            double difference = LstmKernelCheck.largestDifference(off, weights);
            assertTrue(difference > LstmKernelCheck.TOLERANCE, "difference " + difference);
        }
    }

    @Test
    void theRefusalSaysWhatToSet() {
        String unset = LstmKernelCheck.message(0.04, null);
        assertTrue(unset.contains("ONEDNN_MAX_CPU_ISA=AVX2") && unset.contains("not set"), unset);
        assertTrue(unset.contains("containerized.taskmanager.env.ONEDNN_MAX_CPU_ISA"), unset);
        String other = LstmKernelCheck.message(0.04, "AVX512_CORE");
        assertTrue(other.contains("set to AVX512_CORE") && other.contains("try AVX2"), other);
    }
}
