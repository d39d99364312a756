package io.onlinelstm.bench;

import java.time.Duration;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * How many records a topic holds, committed or not: the sum of its partitions' end offsets as a
 * read_uncommitted consumer sees them. The exactly-once sink writes each forecast as it is made and
 * only commits at checkpoints, so this follows the job's progress rather than its checkpoint cycle
 * (transaction markers add one offset per partition and transaction: a few per checkpoint).
 */
final class WrittenRecords implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;

    WrittenRecords(String servers, String topic) {
        this.consumer = CommittedRecords.fromBeginning(servers, topic, false);
    }

    long count() {
        return consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(10)).values().stream()
                .mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
