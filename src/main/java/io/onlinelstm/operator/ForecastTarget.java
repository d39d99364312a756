package io.onlinelstm.operator;

import java.util.Locale;

/** What the network's output means. */
public enum ForecastTarget {
    /** The next values themselves, on the series' normalised scale. */
    LEVEL,
    /**
     * The change from the current value, on the normalised scale: persistence is the zero output,
     * and the network learns corrections to it. Usually the better choice for short horizons.
     */
    DELTA;

    public static ForecastTarget parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown forecast target '" + text + "': use level or delta");
        }
    }
}
