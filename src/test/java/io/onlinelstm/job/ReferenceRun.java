package io.onlinelstm.job;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.operator.BundlingForecastOperator;
import io.onlinelstm.operator.ForecasterSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** The forecasts an uninterrupted job makes for the fault tests' readings, computed in this JVM. */
final class ReferenceRun {

    private ReferenceRun() {}

    static double value(int k, int t) {
        return 10 + k + 3 * Math.sin(2 * Math.PI * (t + k) / 24.0) + 0.01 * ((t * 7 + k * 13) % 11);
    }

    static String json(int k, int t) {
        return "{\"key\":\"s" + k + "\",\"ts\":" + (1_000_000L + t * 1_000L) + ",\"value\":" + value(k, t) + "}";
    }

    /**
     * Writes readings t in [from, to) of every key to the readings topic, one tick of all keys
     * every {@code pauseMillis}, so that the job is busy when a fault strikes.
     */
    static void produce(String servers, int keys, int from, int to, long pauseMillis) {
        produce(servers, "readings", keys, from, to, pauseMillis);
    }

    /** The same, to {@code topic}. */
    static void produce(String servers, String topic, int keys, int from, int to, long pauseMillis) {
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(servers)) {
            for (int t = from; t < to; t++) {
                java.util.List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    sent.add(producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            topic, ("s" + k).getBytes(), json(k, t).getBytes())));
                }
                KafkaTestClients.flush(producer);
                for (java.util.concurrent.Future<?> f : sent) {
                    // A lost input record would pass for a lost forecast: fail here instead.
                    f.get();
                }
                Thread.sleep(pauseMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a reading was not written to Kafka", e);
        }
    }

    /**
     * Checks the committed forecasts: exactly one per (key, ts), each equal to the uninterrupted
     * run's to relative 1e-5. Returns key@ts -> forecast.
     */
    static Map<String, Double> assertExactlyOnceAndEqual(
            java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> forecasts,
            int keys, int perKey, int hiddenSize) throws Exception {
        Map<String, Double> seen = new HashMap<>();
        for (org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r : forecasts) {
            com.fasterxml.jackson.databind.JsonNode f = io.onlinelstm.io.JsonCodec.mapper().readTree(r.value());
            String id = f.get("key").asText() + "@" + f.get("ts").asLong();
            org.junit.jupiter.api.Assertions.assertNull(seen.put(id, f.get("forecast").get(0).asDouble()),
                    "duplicate forecast " + id);
        }
        org.junit.jupiter.api.Assertions.assertEquals(keys * perKey, seen.size(), "one committed forecast per reading, none lost");
        // Relative 1e-5: float forecasts in the series' units (about 10 to 110 here); bundles of other
        // sizes sum in another order, which moves the last bit or two.
        for (Map.Entry<String, Double> e : forecasts(keys, perKey, hiddenSize).entrySet()) {
            org.junit.jupiter.api.Assertions.assertEquals(e.getValue(), seen.get(e.getKey()),
                    1e-5 * Math.max(1, Math.abs(e.getValue())), e.getKey());
        }
        return seen;
    }

    /** key@ts -> first forecast value, with the job's settings for these options. */
    static Map<String, Double> forecasts(int keys, int perKey, int hiddenSize) throws Exception {
        return forecasts(keys, perKey, hiddenSize, 0);
    }

    /** @param window the forecaster's training window (it sizes the state's ring only); 0: the default */
    static Map<String, Double> forecasts(int keys, int perKey, int hiddenSize, int window) throws Exception {
        // A level network: its forecasts depend on the LSTM state and the normaliser, which a restore must bring back.
        java.nio.file.Path emptyStore = java.nio.file.Files.createTempDirectory("online-lstm-reference-store");
        Map<String, String> options = new HashMap<>(Map.of("model.hidden-size", String.valueOf(hiddenSize),
                "training.mode", "off", "forecaster.target", "level", "model.store", emptyStore.toUri().toString()));
        if (window > 0) {
            options.put("forecaster.window", String.valueOf(window));
        }
        JobConfig config = JobConfig.defaults().with(options);
        ForecasterSettings settings = config.forecaster().withInitialModel(config.initialModel()).withBundleSize(1);
        java.nio.file.Files.deleteIfExists(emptyStore);
        Map<String, Double> out = new HashMap<>();
        try (KeyedOneInputStreamOperatorTestHarness<String, Reading, Forecast> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new BundlingForecastOperator(settings), r -> r.key, Types.STRING)) {
            h.open();
            for (int t = 0; t < perKey; t++) {
                for (int k = 0; k < keys; k++) {
                    long ts = 1_000_000L + t * 1_000L;
                    h.processElement(new StreamRecord<>(new Reading("s" + k, ts, value(k, t), null, 0), ts));
                }
            }
            for (Forecast f : h.extractOutputValues()) {
                out.put(f.key + "@" + f.ts, (double) f.forecast[0]);
            }
        }
        return out;
    }
}
