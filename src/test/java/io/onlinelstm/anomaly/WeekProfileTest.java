package io.onlinelstm.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.state.AnomalyState;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The week profile: a series whose weekdays are busier than its weekends (readings half an hour
 * apart, as NAB's nyc_taxi), calm for seven weeks, then a weekday that behaves like a Sunday (a
 * public holiday). The daily profile alone cannot tell it from a weekend; with the day's offset the
 * season part finds it within a stated delay, and nothing fires in the calm weeks.
 */
class WeekProfileTest {

    private static final long HALF_HOUR = 1_800_000L;
    private static final int PER_DAY = 48;
    /** 1970-01-05 was a Monday: day 4 of the epoch. The holiday is the Wednesday of week eight. */
    private static final int FIRST_DAY = 4;
    private static final int HOLIDAY = 7 * 7 + 2;
    private static final AnomalySettings SETTINGS = AnomalySettings.defaults();

    private static double[] series(long seed, boolean holiday) {
        Random random = new Random(seed);
        int days = 8 * 7;
        double[] v = new double[days * PER_DAY];
        double noise = 0;
        for (int t = 0; t < v.length; t++) {
            int day = t / PER_DAY;
            boolean weekend = (day % 7) >= 5 || (holiday && day == HOLIDAY);
            double hour = (t % PER_DAY) / 2.0;
            // Weekdays: a busy working day; weekends: a lower, later, flatter one.
            double cycle = weekend ? 6 * Math.sin(Math.PI * Math.max(0, hour - 10) / 14) : 20 * Math.sin(Math.PI * Math.max(0, hour - 6) / 18);
            noise = 0.5 * noise + 0.5 * random.nextGaussian();
            v[t] = 100 + cycle + noise;
        }
        return v;
    }

    private static AnomalyDetector.Score[] scores(double[] v) {
        AnomalyDetector detector = new AnomalyDetector(SETTINGS);
        AnomalyState state = new AnomalyState();
        AnomalyDetector.Score[] out = new AnomalyDetector.Score[v.length];
        double sumSquares = 0;
        for (int t = 0; t < v.length; t++) {
            double error = Double.NaN;
            double unit = t >= 3 ? Math.sqrt(sumSquares / (t - 1)) : 1.0;
            if (t > 0) {
                error = Math.abs(v[t] - v[t - 1]);
                sumSquares += error * error;
            }
            out[t] = detector.score(state, (FIRST_DAY * PER_DAY + t) * HALF_HOUR, v[t], error, unit);
        }
        return out;
    }

    /** The first reading from {@code from} whose season score is in the red zone (a tail of 1e-5), or -1. */
    private static int firstRedSeason(AnomalyDetector.Score[] s, int from, int to) {
        for (int t = from; t < to; t++) {
            if (s[t].part() == AnomalyDetector.Part.SEASON && s[t].score() >= ErrorLikelihood.RED) {
                return t;
            }
        }
        return -1;
    }

    @Test
    void aWeekdayThatBehavesLikeASundayTurnsRedByNoon() {
        for (long seed = 1; seed <= 3; seed++) {
            AnomalyDetector.Score[] s = scores(series(seed, true));
            int onset = HOLIDAY * PER_DAY;
            int red = firstRedSeason(s, onset, onset + PER_DAY);
            assertTrue(red >= 0 && red - onset <= 24, "seed " + seed + ": " + (red - onset));
        }
    }

    @Test
    void calmWeeksRaiseNothingAndTheirWeekdaysStayOutOfTheRed() {
        for (long seed = 1; seed <= 3; seed++) {
            AnomalyDetector.Score[] s = scores(series(seed, false));
            int alerts = 0;
            for (int t = 0; t < s.length; t++) {
                alerts += s[t].score() >= SETTINGS.threshold() ? 1 : 0;
            }
            assertTrue(alerts <= 1, "seed " + seed + ": " + alerts);
            // Once the offsets are in use (third week on), an ordinary Wednesday is not red.
            for (int week = 2; week < 8; week++) {
                int wednesday = (week * 7 + 2) * PER_DAY;
                assertEquals(-1, firstRedSeason(s, wednesday, wednesday + PER_DAY), "seed " + seed + " week " + week);
            }
        }
    }

    @Test
    void offsetsOfAnyScaleKeepFourDigitsOfTheRange() {
        for (double scale : new double[] {1e-3, 1, 1e9}) {
            AnomalyState s = new AnomalyState();
            s.valueCount = 10_000;
            s.minValue = 0;
            s.maxValue = scale;
            long ts = 20 * WeekProfile.DAY_MILLIS;
            // A block whose value is always 30 range widths above the daily profile: far beyond
            // what the first step holds, so the step doubles until it fits.
            for (int i = 0; i < 2_000; i++) {
                WeekProfile.learn(s, ts, 30 * scale);
            }
            assertEquals(30 * scale, WeekProfile.offset(s, ts), 30 * scale * 1e-3, "scale " + scale);
        }
    }
}
