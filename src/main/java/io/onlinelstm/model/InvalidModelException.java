package io.onlinelstm.model;

/** A model (weights file, update or copy) that cannot be used; the message says why. */
public class InvalidModelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
