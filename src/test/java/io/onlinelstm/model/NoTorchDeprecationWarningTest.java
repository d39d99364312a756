package io.onlinelstm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's native "AutoNonVariableTypeMode is deprecated" warning goes straight to the process's
 * stderr, past Java and logging, so a child JVM that loads weights and restores optimizer state
 * (the calls that used to print it) is run and its stderr read.
 */
class NoTorchDeprecationWarningTest {

    /** What the child JVM does: every in-place overwrite of weights and optimizer moments. */
    public static void main(String[] args) {
        LstmConfig config = LstmConfig.builder().hiddenSize(8).build();
        try (LstmModel model = LstmModel.create(config, ComputeDevice.CPU);
                LstmTrainer trainer = new LstmTrainer(model, OptimizerConfig.defaults())) {
            model.loadWeights(WeightInitializer.initialize(config));
            trainer.restoreState(trainer.exportState());
        }
        System.out.println("loaded");
    }

    @Test
    void loadingWeightsAndOptimizerStatePrintsNoNativeWarning() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true", NoTorchDeprecationWarningTest.class.getName()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertEquals("loaded", new String(out, StandardCharsets.UTF_8).trim(), err);
        assertFalse(err.contains("AutoNonVariableTypeMode"), "native warning printed:\n" + err);
    }
}
