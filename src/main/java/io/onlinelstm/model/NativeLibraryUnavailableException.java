package io.onlinelstm.model;

/** The PyTorch native library could not be loaded; the message says why and what to check. */
public final class NativeLibraryUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NativeLibraryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
