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
        return l;
    }
}
