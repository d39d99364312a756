package io.onlinelstm.model;

/** Weights made for a different architecture than the network they were offered to. */
public final class IncompatibleModelException extends InvalidModelException {

    private static final long serialVersionUID = 1L;

    public IncompatibleModelException(String message) {
        super(message);
    }
}
