package io.onlinelstm.replay;

/**
 * What to score and on which scale.
 *
 * @param evalFrom first scored row (inclusive)
 * @param evalTo last scored row (exclusive); rows past the file's end are ignored
 * @param zScore score errors divided by each series' population standard deviation over the fit range
 * @param fitFrom first row of the fit range (z-scores, and the linear AR's standardisation)
 * @param fitTo end of the fit range (exclusive)
 * @param season seasonal naive predicts the value this many rows back
 * @param arLags lags of the online linear autoregression
 * @param arForgetting forgetting factor of its recursive least squares
 */
public record ScoreSettings(int evalFrom, int evalTo, boolean zScore, int fitFrom, int fitTo, int season,
                            int arLags, double arForgetting) {

    public ScoreSettings {
        if (evalFrom < 0 || evalTo <= evalFrom) {
            throw new IllegalArgumentException("evaluation rows must be a range from:to with 0 <= from < to, got "
                    + evalFrom + ":" + evalTo);
        }
        if (fitFrom < 0 || fitTo <= fitFrom) {
            throw new IllegalArgumentException("fit rows must be a range from:to with 0 <= from < to, got "
                    + fitFrom + ":" + fitTo);
        }
        if (season < 1 || arLags < 1 || !(arForgetting > 0 && arForgetting <= 1)) {
            throw new IllegalArgumentException("season and AR lags must be >= 1 and the forgetting factor in (0, 1]");
        }
    }
}
