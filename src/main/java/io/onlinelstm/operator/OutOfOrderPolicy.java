package io.onlinelstm.operator;

import java.util.Locale;

/** What the forecaster does with a reading whose ts is not after the last accepted one of its series. */
public enum OutOfOrderPolicy {
    /** Refuse it to the dead-letter output (reason duplicate_ts or out_of_order); state is unchanged. */
    DEAD_LETTER,
    /** Step the model with it anyway, as if it were the next reading. */
    ACCEPT;

    public static OutOfOrderPolicy parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown out-of-order policy '" + text + "': use dead-letter or accept");
        }
    }
}
