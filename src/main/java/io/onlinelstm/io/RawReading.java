package io.onlinelstm.io;

/**
 * A record as it came off the input topic, before parsing: its bytes, where it came from, and when
 * it arrived (wall clock at the source, the start of the arrival-to-forecast latency).
 *
 * <p>A Flink POJO: public fields and a no-argument constructor.
 */
public class RawReading {

    public byte[] payload;
    public String topic;
    public int partition;
    public long offset;
    public long arrivalMillis;

    public RawReading() {}

    public RawReading(byte[] payload, String topic, int partition, long offset, long arrivalMillis) {
        this.payload = payload;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.arrivalMillis = arrivalMillis;
    }
}
