package io.onlinelstm.model;

/** The native LSTM kernel disagrees with the LSTM equations on this machine; the message says what to set. */
public final class WrongLstmResultsException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public WrongLstmResultsException(String message) {
        super(message);
    }
}
