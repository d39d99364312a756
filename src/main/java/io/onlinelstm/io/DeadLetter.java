package io.onlinelstm.io;

/**
 * A refused input record: the original payload (as text), why it was refused, and where it came
 * from, so that it can be found, fixed and replayed. A Flink POJO.
 */
public class DeadLetter {

    public String payload;
    public String reason;
    public String detail;
    public String topic;
    public int partition;
    public long offset;
    /** Wall-clock time the record was refused, epoch milliseconds. */
    public long refusedAt;

    public DeadLetter() {}

    public DeadLetter(String payload, DeadLetterReason reason, String detail, String topic, int partition, long offset) {
        this.payload = payload;
        this.reason = reason.id();
        this.detail = detail;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.refusedAt = System.currentTimeMillis();
    }

    @Override
    public String toString() {
        return "DeadLetter{reason=" + reason + ", detail=" + detail + ", " + topic + "-" + partition + "@" + offset + '}';
    }
}
