package io.onlinelstm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Overwrites an array's values in place (weights, optimizer moments) without DJL's
 * {@code NDArray.set(Buffer)}. That call enters PyTorch's deprecated {@code AutoNonVariableTypeMode}
 * in native code, which prints a warning on stderr that no setting silences (DJL never initialises
 * c10 logging, so TORCH_CPP_LOG_LEVEL is not read). A full-slice {@code index_put_} copies the same
 * values through the dispatcher instead; it is allowed on parameters because every DJL thread of
 * this project runs with grad mode off ({@link DjlRuntime#prepareThread()}).
 */
final class InPlaceCopy {

    private InPlaceCopy() {}

    /** Copies {@code values} (row-major, as many as the array holds) into {@code target}, on its device. */
    static void copyInto(NDArray target, float[] values) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException("Cannot copy " + values.length + " values into an array of shape "
                    + target.getShape());
        }
        try (NDArray source = target.getManager().create(values, target.getShape())) {
            // "..." (every element) becomes index_put_({Ellipsis}, source): an empty index is refused by PyTorch.
            target.set(new NDIndex("..."), source);
        }
    }
}
