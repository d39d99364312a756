package io.onlinelstm.training;

/**
 * How well a model version did on live data at one forecaster since its last report: the sum of
 * absolute errors of the forecasts that version made, and their count. A Flink POJO.
 */
public class LiveErrorReport {

    public long version;
    public double sumAbsError;
    public long count;

    public LiveErrorReport() {}

    public LiveErrorReport(long version, double sumAbsError, long count) {
        this.version = version;
        this.sumAbsError = sumAbsError;
        this.count = count;
    }
}
