package io.onlinelstm.operator;

import java.io.Serializable;

/**
 * How the forecaster combines its network with an online autoregression and persistence.
 *
 * @param arLags changes the autoregression looks back over (plus the level and a bias)
 * @param arForgetting RLS forgetting factor in (0, 1]
 * @param discount per-reading discount of the members' past errors in (0, 1)
 * @param sharpness how strongly the weights follow relative error (0: equal weights)
 */
public record CombineSettings(int arLags, double arForgetting, double discount, double sharpness)
        implements Serializable {

    public CombineSettings {
        // The stage's own classes check the ranges, with the option's name in the message.
        new OnlineAr(arLags, arForgetting);
        new Combiner(discount, sharpness);
    }
}
