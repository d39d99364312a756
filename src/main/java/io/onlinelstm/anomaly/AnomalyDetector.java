package io.onlinelstm.anomaly;

import io.onlinelstm.state.AnomalyState;

/**
 * A series' anomaly score in [0, 1] from a few cheap online detectors, each of which can fire on
 * its own (the score is the highest of them, and says which part gave it):
 *
 * <ul>
 *   <li><b>residual</b>: the likelihood ({@link ErrorLikelihood}) of the forecast's recent errors,
 *       in units of the series' typical change, under their own long-run distribution;
 *   <li><b>spike</b>: the same likelihood of the latest error alone, on a far stricter scale
 *       (about 15 standard deviations score 0.5), for one extreme error that the averaged part
 *       dilutes;
 *   <li><b>season</b>: the same likelihood of the value's distance from what the series usually
 *       shows at this time of day (a profile of {@value #SEASON_BUCKETS} event-time buckets) on
 *       this day of the week ({@link WeekProfile}, from a series' third week), for a daily or weekly
 *       pattern that breaks without any single step being unusual;
 *   <li><b>range</b>: a value beyond everything the series has shown so far, by more than {@code
 *       rangeTolerance} of that range, scores 1 (once the series has a day of history; the
 *       tolerance is wider during its first week);
 *   <li><b>flat</b>: a run of exactly repeated values longer than any the series has shown (at
 *       least {@value #MIN_FLAT_RUN}) scores 1 once: a stuck sensor or a stalled feed; not a run at
 *       the lowest value the series has already shown (an idle series resting at its floor).
 * </ul>
 *
 * Nothing fires during the warm-up; every part learns during it. One event reported by several parts
 * on neighbouring readings is reported once ({@link EchoFilter}).
 */
public final class AnomalyDetector {

    /** The parts, for the alert's explanation. */
    public enum Part {
        NONE, RESIDUAL, SPIKE, SEASON, RANGE, FLAT;

        // Made once: the stage names the part of every scored reading.
        private final String label = name().toLowerCase(java.util.Locale.ROOT);

        /** The name in alerts. */
        public String label() {
            return label;
        }
    }

    /**
     * A score and the part that gave it.
     *
     * @param score what the reading reports, after the red and echo filters
     * @param unfiltered the best part's score before those filters: an event's later readings,
     *     lowered so that it is reported once, still belong to it
     */
    public record Score(double score, Part part, double unfiltered) {
        static final Score NONE = new Score(0, Part.NONE);

        Score(double score, Part part) {
            this(score, part, score);
        }
    }

    /**
     * -log10 of the tail probability at which a single error scores 0.5: one error of about 15
     * standard deviations. Ordinary data has heavy-tailed errors, and lone large ones are common in
     * it (on NAB a looser spike part cost more in false positives than it found), so only an
     * extreme one fires on its own.
     */
    static final double SPIKE_HALF_SCALE_DIGITS = 50;
    /** The range part waits for a day of event time, so that a daily cycle has shown its whole range once. */
    static final long RANGE_WARMUP_MILLIS = 86_400_000L;
    /**
     * Event time over which the range part's tolerance narrows to {@code rangeTolerance}: a week, a
     * weekly cycle's whole range. A young series' range is still growing (on NAB a third of the
     * range part's false positives were records broken in a series' first week), so a value beyond
     * it is less surprising: the tolerance starts wider, in inverse proportion to the history (7
     * times at one day, twice at three and a half days).
     */
    static final long RANGE_SETTLE_MILLIS = 7 * 86_400_000L;

    /** Readings before the likelihoods start to learn. */
    static final int UNIT_READINGS = 30;

    /** A run of unchanged values shorter than this is never judged: a few repeats are common. */
    static final int MIN_FLAT_RUN = 5;
    /** Time-of-day buckets of the season profile: half hours. */
    static final int SEASON_BUCKETS = 48;
    static final long BUCKET_MILLIS = 86_400_000L / SEASON_BUCKETS;

    /**
     * How far the season profile moves towards each reading of its bucket: about the last ten
     * readings of the bucket (ten days of an hourly series, two of a five-minute one).
     */
    static final float SEASON_RATE = 0.1f;

    private final int warmup;
    private final double threshold;
    private final int shortWindow;
    private final double rangeTolerance;
    private final ErrorLikelihood likelihood;
    private final ErrorLikelihood spikeLikelihood;
    private final ErrorLikelihood seasonLikelihood;
    /** The season part's likelihood of the reading being scored, before the red filter (per reading, not state). */
    private double seasonUnfiltered;
    private final boolean spike;
    private final boolean residual;
    private final boolean season;
    private final boolean range;
    private final boolean flat;

    public AnomalyDetector(AnomalySettings settings) {
        this.warmup = settings.warmup();
        this.threshold = settings.threshold();
        this.shortWindow = settings.shortWindow();
        this.rangeTolerance = settings.rangeTolerance();
        this.likelihood = new ErrorLikelihood(settings.warmup(), settings.shortWindow(), settings.longWindow());
        this.spikeLikelihood = new ErrorLikelihood(settings.warmup(), 1, settings.longWindow(), SPIKE_HALF_SCALE_DIGITS,
                ErrorLikelihood.RedFilter.ESCALATE);
        // A broken daily pattern stays broken and its evidence grows for a few readings after the
        // first red one: with the ESCALATE filter the season part missed art_daily_jumpsdown and
        // art_daily_nojump on NAB (docs/benchmarks.md).
        this.seasonLikelihood = new ErrorLikelihood(settings.warmup(), settings.shortWindow(), settings.longWindow(),
                ErrorLikelihood.HALF_SCALE_DIGITS, ErrorLikelihood.RedFilter.ALTERNATE);
        this.spike = settings.has(Part.SPIKE);
        this.residual = settings.has(Part.RESIDUAL);
        this.season = settings.has(Part.SEASON);
        this.range = settings.has(Part.RANGE);
        this.flat = settings.has(Part.FLAT);
    }

    /**
     * Scores one reading and folds it into the series' statistics.
     *
     * @param ts the reading's event time (millis)
     * @param value the reading's value
     * @param error the reading's absolute forecast error; NaN when it had no forecast
     * @param unit the series' typical change, the unit errors are judged in
     */
    public Score score(AnomalyState s, long ts, double value, double error, double unit) {
        // Every part that is on learns from every reading, whatever the others say. Errors enter the
        // likelihoods as square roots: sizes of errors are heavy-tailed, their roots far closer to
        // the Gaussian the likelihood assumes (and it measured better on NAB than the errors or
        // their logs; docs/benchmarks.md).
        Score flatScore = flatScore(s, value);
        Score rangeScore = rangeScore(s, ts, value);
        // The likelihoods learn once the unit rests on enough changes: an error measured against the
        // spread of a series' first two or three changes can be huge, and would inflate the usual
        // spread for a long time after.
        boolean unitSettled = s.valueCount > UNIT_READINGS;
        boolean judged = unitSettled && !Double.isNaN(error);
        double residualScore = 0;
        double spikeScore = 0;
        double unfiltered = 0;
        if (residual && judged) {
            residualScore = likelihood.score(s.residual, Math.sqrt(error / unit));
            unfiltered = likelihood.unfiltered();
        }
        if (spike && judged) {
            spikeScore = spikeLikelihood.score(s.spike, error / unit);
            unfiltered = Math.max(unfiltered, spikeLikelihood.unfiltered());
        }
        double seasonScore = 0;
        if (season && unitSettled && Double.isFinite(value)) {
            seasonScore = seasonScore(s, ts, value, unit);
            unfiltered = Math.max(unfiltered, seasonUnfiltered);
        }
        if (flat) {
            unfiltered = Math.max(unfiltered, flatScore.unfiltered());
        }
        if (range) {
            unfiltered = Math.max(unfiltered, rangeScore.score());
        }
        Score best = Score.NONE;
        if (flat && flatScore.score() > best.score()) {
            best = flatScore;
        }
        if (range && rangeScore.score() > best.score()) {
            best = rangeScore;
        }
        if (residual && residualScore > best.score()) {
            best = new Score(residualScore, Part.RESIDUAL);
        }
        if (spike && spikeScore > best.score()) {
            best = new Score(spikeScore, Part.SPIKE);
        }
        if (season && seasonScore > best.score()) {
            best = new Score(seasonScore, Part.SEASON);
        }
        // The averaged parts see an event's readings for a short window after it.
        Score reported = EchoFilter.filter(s, best, shortWindow, threshold);
        return new Score(reported.score(), reported.part(), Math.max(unfiltered, reported.score()));
    }

    private double seasonScore(AnomalyState s, long ts, double value, double unit) {
        seasonUnfiltered = 0;
        if (s.seasonProfile == null) {
            s.seasonProfile = new float[SEASON_BUCKETS];
            java.util.Arrays.fill(s.seasonProfile, Float.NaN);
        }
        int bucket = (int) Math.floorMod(ts / BUCKET_MILLIS, (long) SEASON_BUCKETS);
        float usual = s.seasonProfile[bucket];
        double score = 0;
        if (!Float.isNaN(usual)) {
            // The usual level at this time of day, plus what this day of the week usually adds to it.
            double expected = usual + WeekProfile.offset(s, ts);
            score = seasonLikelihood.score(s.season, Math.sqrt(Math.abs(value - expected) / unit));
            seasonUnfiltered = seasonLikelihood.unfiltered();
            WeekProfile.learn(s, ts, value - usual);
            s.seasonProfile[bucket] = (float) (usual + SEASON_RATE * (value - usual));
        } else {
            s.seasonProfile[bucket] = (float) value;
        }
        return score;
    }

    private Score flatScore(AnomalyState s, double value) {
        boolean repeat = s.valueCount > 0 && value == s.lastValue;
        s.lastValue = value;
        if (!repeat) {
            // The run just ended is now part of what this series does.
            s.longestFlatRun = Math.max(s.longestFlatRun, s.flatRun);
            s.flatRun = 0;
            // A run that starts at the lowest value the series has already shown is the series
            // resting at its floor (no traffic, a key not pressed, an idle queue), not a stuck
            // sensor: bursty series do that all the time and for any length (on NAB the flat part's
            // only alerts were runs of zeros in the mostly-zero rogue_agent files). A sensor that
            // sticks at a new low, or anywhere above the floor, is still reported.
            s.flatAtFloor = s.valueCount > 0 && value == s.minValue;
            return Score.NONE;
        }
        s.flatRun++;
        if (s.valueCount >= warmup && s.flatRun == Math.max(MIN_FLAT_RUN, 2 * s.longestFlatRun + 1)) {
            // A run at the floor is not reported, but it stays what it was before the floor rule for
            // everything else (it is kept out of training windows and keeps an open alert open), so
            // that the rule changes alerts and nothing else (forecasts stay as they were).
            return s.flatAtFloor ? new Score(0, Part.FLAT, 1.0) : new Score(1.0, Part.FLAT);
        }
        return Score.NONE;
    }

    private Score rangeScore(AnomalyState s, long ts, double value) {
        if (!Double.isFinite(value)) {
            return Score.NONE;
        }
        if (s.valueCount == 0) {
            s.firstTs = ts;
        }
        boolean outside = false;
        if (s.valueCount >= warmup && ts - s.firstTs >= RANGE_WARMUP_MILLIS && s.maxValue > s.minValue) {
            double youth = Math.max(1.0, (double) RANGE_SETTLE_MILLIS / (ts - s.firstTs));
            double tolerance = rangeTolerance * youth * (s.maxValue - s.minValue);
            outside = value > s.maxValue + tolerance || value < s.minValue - tolerance;
        }
        if (s.valueCount == 0) {
            s.minValue = value;
            s.maxValue = value;
        } else {
            s.minValue = Math.min(s.minValue, value);
            s.maxValue = Math.max(s.maxValue, value);
        }
        s.valueCount++;
        return outside ? new Score(1.0, Part.RANGE) : Score.NONE;
    }
}
