package io.onlinelstm.io;

/** The weights of the forecasters a combined forecast is made of; they sum to 1. A Flink POJO. */
public class MemberWeights {

    /** The LSTM network. */
    public double lstm;
    /** The series' online linear autoregression. */
    public double ar;
    /** Persistence (the last value). */
    public double persistence;

    public MemberWeights() {}

    public MemberWeights(double lstm, double ar, double persistence) {
        this.lstm = lstm;
        this.ar = ar;
        this.persistence = persistence;
    }
}
