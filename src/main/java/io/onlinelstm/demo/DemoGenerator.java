package io.onlinelstm.demo;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link SyntheticSeries} readings as JSON to the input topic at a steady rate, one reading
 * per series per tick, with a small share of deliberately bad records to show the dead-letter path.
 */
public final class DemoGenerator implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoGenerator.class);
    /** Event time of tick 0, 2025-01-01T00:00:00Z; tick t is START_TS + t minutes. */
    public static final long START_TS = 1_735_689_600_000L;
    /** Event time between two readings of one series. */
    public static final long TICK_MILLIS = 60_000L;

    private final String servers;
    private final String topic;
    private final int series;
    private final double eventsPerSecond;
    private final double badRate;
    private final long firstTick;
    private final long limit;
    private final SyntheticSeries values = new SyntheticSeries(7);
    private final Random random = new Random(11);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong badSent = new AtomicLong();
    private volatile boolean running = true;
    private volatile java.util.function.LongConsumer beforeSend = index -> {};

    public DemoGenerator(String servers, String topic, int series, double eventsPerSecond, double badRate) {
        this(servers, topic, series, eventsPerSecond, badRate, 0, Long.MAX_VALUE);
    }

    /**
     * @param firstTick the tick (minute) of the first readings, to continue where an earlier
     *     generator of the same series stopped without going back in time
     * @param limit readings to send before stopping by itself
     */
    public DemoGenerator(String servers, String topic, int series, double eventsPerSecond, double badRate,
                         long firstTick, long limit) {
        this.firstTick = firstTick;
        this.limit = limit;
        this.servers = servers;
        this.topic = topic;
        this.series = series;
        this.eventsPerSecond = eventsPerSecond;
        this.badRate = badRate;
    }

    public long sent() {
        return sent.get();
    }

    long badSent() {
        return badSent.get();
    }

    /** The tick after the last one this generator started: where a follow-on generator begins. */
    public long nextTick() {
        return firstTick + (sent.get() + series - 1) / series;
    }

    /**
     * Calls {@code observer} with each reading's index (0, 1, ... in sending order; reading i is
     * series {@code i % series} at tick {@code firstTick + i / series}) on the generator's thread
     * just before it is handed to the producer: what a latency benchmark times from. Set it before
     * {@link #run()} starts.
     */
    public DemoGenerator beforeSend(java.util.function.LongConsumer observer) {
        this.beforeSend = observer;
        return this;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("linger.ms", "5");
        p.setProperty("acks", "1");
        ReadingPayloads payloads = new ReadingPayloads(values, series);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            long tick = firstTick;
            while (running && sent.get() < limit) {
                long ts = START_TS + tick * TICK_MILLIS;
                java.util.function.LongConsumer observer = beforeSend;
                for (int s = 0; s < series && running && sent.get() < limit; s++) {
                    byte[] json = random.nextDouble() < badRate
                            ? badRecord(payloads.key(s), ts).getBytes(StandardCharsets.UTF_8)
                            : payloads.reading(s, tick, ts);
                    observer.accept(sent.get());
                    producer.send(new ProducerRecord<>(topic, payloads.keyBytes(s), json));
                    long n = sent.incrementAndGet();
                    // Pace to the target rate.
                    long due = start + (long) (n * 1e9 / eventsPerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 2_000_000) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
                tick++;
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("Demo generator stopped: {}", e.toString(), e);
            }
        }
    }

    private String badRecord(String key, long ts) {
        badSent.incrementAndGet();
        return switch (random.nextInt(4)) {
            case 0 -> "{\"key\":\"" + key + "\",\"ts\":" + ts + ",\"value\":";
            case 1 -> "{\"key\":\"" + key + "\",\"ts\":" + ts + ",\"value\":\"n/a\"}";
            case 2 -> "{\"ts\":" + ts + ",\"value\":1.0}";
            default -> "{\"key\":\"" + key + "\",\"ts\":\"tomorrow\",\"value\":1.0}";
        };
    }
}
