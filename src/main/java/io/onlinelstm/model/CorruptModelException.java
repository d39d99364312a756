package io.onlinelstm.model;

/** Serialized weights that fail their checksum or cannot be parsed. */
public final class CorruptModelException extends InvalidModelException {

    private static final long serialVersionUID = 1L;

    public CorruptModelException(String message) {
        super(message);
    }

    public CorruptModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
