package io.onlinelstm.state;

/**
 * What one {@code ErrorLikelihood} knows of a series: the distribution of its short-window average
 * error (exponentially weighted mean and variance), the most recent errors (a ring), and what the
 * red-zone filter remembers (see {@code ErrorLikelihood.RedFilter}).
 */
public final class LikelihoodState {

    /** Averages folded into the distribution so far. */
    public long count;
    public double mean;
    public double variance;
    /** The most recent errors (ring); null until the first. */
    public float[] recent;
    public int next;
    /** How many entries of the ring hold errors (it fills during a series' first readings). */
    public int filled;
    /** What the red-zone filter remembers: the last reported red likelihood of a red stretch, else the last likelihood. */
    public float last;
    /**
     * Red likelihoods in a row up to the last reading, before the red filter (saturates at {@link
     * #MAX_RED_RUN}); kept by the escalating filter only.
     */
    public int redRun;
    /**
     * The strongest likelihood of the current red stretch that the escalating filter held back
     * since its last report (0: none); reported if the stretch outlasts the short window.
     */
    public float peak;

    /** Where {@link #redRun} stops counting: it is stored in one byte. */
    public static final int MAX_RED_RUN = Byte.MAX_VALUE;

    public LikelihoodState() {}

    LikelihoodState copy() {
        LikelihoodState l = new LikelihoodState();
        l.count = count;
        l.mean = mean;
        l.variance = variance;
        l.recent = recent == null ? null : recent.clone();
        l.next = next;
        l.filled = filled;
        l.last = last;
        l.redRun = redRun;
        l.peak = peak;
        return l;
    }
}
