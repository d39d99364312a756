package io.onlinelstm.state;

/**
 * Everything the job keeps per series, as one composite keyed value so that a disk-backed state
 * backend pays one read and one write per series per bundle: a typed part per stage of the
 * forecaster, each written by its own stage only. Serialized by {@link SeriesStateSerializer},
 * never by Kryo.
 */
public final class SeriesState {

    /** The step: h and c, normaliser, last value and forecast. */
    public StepState step;
    /** Recent normalised inputs for training windows. */
    public WindowRing window;
    /** Error statistics for anomaly scores and alerts. */
    public AnomalyState anomaly;
    /**
     * The online autoregression and the combination of forecasters; null when combining is off, and
     * for series restored from a release before it (the combine stage starts it afresh).
     */
    public CombineState combine;

    public SeriesState() {}

    public SeriesState(StepState step, WindowRing window, AnomalyState anomaly) {
        this(step, window, anomaly, null);
    }

    public SeriesState(StepState step, WindowRing window, AnomalyState anomaly, CombineState combine) {
        this.step = step;
        this.window = window;
        this.anomaly = anomaly;
        this.combine = combine;
    }

    public static SeriesState create(int stateSize, int inputs, int windowCapacity) {
        return new SeriesState(StepState.create(stateSize, inputs), WindowRing.create(windowCapacity, inputs),
                new AnomalyState());
    }

    SeriesState copy() {
        return new SeriesState(step == null ? null : step.copy(), window == null ? null : window.copy(),
                anomaly == null ? null : anomaly.copy(), combine == null ? null : combine.copy());
    }
}
