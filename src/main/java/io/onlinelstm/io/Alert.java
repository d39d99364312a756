package io.onlinelstm.io;

/** An anomaly alert for one series. A Flink POJO; written to Kafka as JSON. */
public class Alert {

    public String key;
    public long ts;
    public double value;
    /** The forecast that was made for this reading (what the model expected). */
    public double forecast;
    public double score;
    public double threshold;
    public long modelVersion;

    public Alert() {}
}
