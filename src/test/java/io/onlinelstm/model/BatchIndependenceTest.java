package io.onlinelstm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A series' forecast and state do not depend on which other series share its batch. */
class BatchIndependenceTest {

    @Test
    void steppingSeriesTogetherEqualsSteppingEachAlone() {
        LstmConfig config = LstmConfig.builder().hiddenSize(32).layers(2).seed(5).build();
        int batch = 16;
        Random random = new Random(9);
        try (LstmModel model = LstmModel.create(config, ComputeDevice.CPU)) {
            float[][] h = new float[batch][config.stateSize()];
            float[][] c = new float[batch][config.stateSize()];
            float[][] aloneH = new float[batch][config.stateSize()];
            float[][] aloneC = new float[batch][config.stateSize()];
            for (int t = 0; t < 20; t++) {
                float[][] x = new float[batch][1];
                for (float[] row : x) {
                    row[0] = (float) random.nextGaussian();
                }
                LstmModel.StepResult together = model.step(x, h, c);
                for (int b = 0; b < batch; b++) {
                    LstmModel.StepResult alone =
                            model.step(new float[][] {x[b]}, new float[][] {aloneH[b]}, new float[][] {aloneC[b]});
                    assertEquals(alone.forecasts()[0][0], together.forecasts()[b][0], 1e-6, "t=" + t + " b=" + b);
                    assertArrayEquals(alone.h()[0], together.h()[b], 1e-6f);
                    assertArrayEquals(alone.c()[0], together.c()[b], 1e-6f);
                    aloneH[b] = alone.h()[0];
                    aloneC[b] = alone.c()[0];
                }
                h = together.h();
                c = together.c();
            }
        }
    }

    @Test
    void reusedStepBatchGivesSameResultsAsFreshOne() {
        LstmConfig config = LstmConfig.builder().hiddenSize(8).layers(3).horizon(3).build();
        try (LstmModel model = LstmModel.create(config, ComputeDevice.CPU)) {
            StepBatch reused = new StepBatch(config, 4);
            // Fill the batch fully once, then use it half full: stale rows must not leak in.
            for (int i = 0; i < 4; i++) {
                reused.add(i * 0.5f, null, null);
            }
            model.step(reused);
            reused.clear();
            reused.add(0.25f, null, null);
            reused.add(-1f, null, null);
            model.step(reused);
            LstmModel.StepResult fresh = model.step(new float[][] {{0.25f}, {-1f}}, null, null);
            float[] forecast = new float[3];
            for (int row = 0; row < 2; row++) {
                reused.copyForecast(row, forecast);
                assertArrayEquals(fresh.forecasts()[row], forecast, 0f);
            }
        }
    }
}
