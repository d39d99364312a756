package io.onlinelstm.operator;

import static io.onlinelstm.operator.ForecasterHarness.reading;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.state.StepState;
import io.onlinelstm.state.WindowRing;
import io.onlinelstm.training.TrainingSettings;
import io.onlinelstm.training.TrainingWindow;
import org.junit.jupiter.api.Test;

/**
 * Training windows at horizon 24: each input carries the 24 values that followed it, and a window
 * is cut only from readings the forecaster has already seen. Every reading's input is its own
 * index, so a window's contents say which readings went into it.
 */
class WindowHorizonTest {

    private static final int WINDOW = 32;
    private static final int HORIZON = 24;

    private static TrainingSettings everyReading() {
        TrainingSettings d = TrainingSettings.defaults();
        return new TrainingSettings(1, 1.0, d.bufferCapacity(), d.holdout(), d.trainEveryWindows(),
                d.trainEvery(), d.stepsPerRound(), d.batchSize(), d.optimizer(), d.tolerance(), d.minWindows(),
                d.maxBusyShare(), 0.0, 1_000);
    }

    @Test
    void windowsForHorizon24NeverHoldAValueNewerThanTheReadingThatProducedThem() {
        WindowStage windows = new WindowStage(everyReading(), WINDOW, HORIZON, 1, ForecastTarget.LEVEL);
        WindowRing ring = windows.newState();
        StepState step = StepState.create(2, 1);
        int offered = 0;
        for (int t = 1; t <= 200; t++) {
            step.count = t;
            windows.push(ring, new float[] {t});
            TrainingWindow w = windows.offer(reading("a", t, t), ring, step, 0);
            if (t < WINDOW + HORIZON) {
                assertNull(w, "reading " + t + ": fewer than W + H readings seen, so no window yet");
                continue;
            }
            offered++;
            assertEquals(WINDOW, w.inputs.length);
            assertEquals(WINDOW * HORIZON, w.targets.length);
            for (int i = 0; i < WINDOW; i++) {
                float input = w.inputs[i];
                assertTrue(input <= t - HORIZON, "reading " + t + ": input " + input + " leaves room for its 24 targets");
                for (int k = 1; k <= HORIZON; k++) {
                    float target = w.targets[i * HORIZON + k - 1];
                    assertEquals(input + k, target, 0f, "step " + k + " of input " + input + " is the k-th reading after it");
                    assertTrue(target <= t, "reading " + t + " cut a window holding reading " + target);
                }
            }
            assertEquals(t, w.targets[w.targets.length - 1], 0f, "the newest target is the reading itself");
        }
        assertEquals(200 - (WINDOW + HORIZON) + 1, offered);
    }

    @Test
    void changeTargetsAtHorizon24AreChangesFromTheInputToReadingsAlreadySeen() {
        WindowStage windows = new WindowStage(everyReading(), WINDOW, HORIZON, 1, ForecastTarget.DELTA);
        WindowRing ring = windows.newState();
        StepState step = StepState.create(2, 1);
        for (int t = 1; t <= WINDOW + HORIZON + 10; t++) {
            step.observe(new double[] {t});
            step.lastValue = t;
            windows.push(ring, new float[] {t});
            TrainingWindow w = windows.offer(reading("a", t, t), ring, step, 0);
            if (w == null) {
                continue;
            }
            double perChange = step.scale(0) / step.changeScale();
            for (int i = 0; i < WINDOW; i++) {
                for (int k = 1; k <= HORIZON; k++) {
                    double change = w.targets[i * HORIZON + k - 1] / perChange * Math.sqrt(k);
                    assertEquals(k, change, 1e-3, "the change to the k-th reading after the input");
                    assertTrue(w.inputs[i] + change <= t + 1e-3, "no value newer than reading " + t);
                }
            }
        }
    }
}
