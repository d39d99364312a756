package io.onlinelstm.cli;

/**
 * A command-line option the user gave is wrong. The message names the option as typed and says
 * what it accepts; Main prints it as one line and exits 2, like picocli's own parse errors.
 */
final class InvalidOptionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    InvalidOptionException(String message) {
        super(message);
    }
}
