package io.onlinelstm.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.io.RawReading;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployed job hands records between chained operators without copies (object reuse): the
 * job's graph writes the same forecasts, alerts and dead letters with it as without it.
 */
class ObjectReuseTest {

    @Test
    void theJobTurnsItOn() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ForecastJob.configureEnvironment(env, JobConfig.defaults());
        assertTrue(env.getConfig().isObjectReuseEnabled());
    }

    @Test
    void theGraphWritesTheSameRecordsWithAndWithoutIt(@TempDir Path store) throws Exception {
        List<String> copied = run(false, store);
        List<String> reused = run(true, store);
        assertTrue(copied.stream().filter(s -> s.startsWith("forecast ")).count() > 1_000, "forecasts written");
        assertTrue(copied.stream().anyMatch(s -> s.startsWith("dead letter ")), "dead letters written");
        assertTrue(copied.stream().anyMatch(s -> s.startsWith("alert ")), "alerts written");
        // The three outputs reach the collecting sink over different channels: compare as sorted lists.
        java.util.Collections.sort(copied);
        java.util.Collections.sort(reused);
        assertEquals(copied, reused);
    }

    /** Every output of the graph as text: one subtask and bundles of one make each value deterministic. */
    private static List<String> run(boolean reuse, Path store) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.OBJECT_REUSE, reuse);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        JobConfig config = JobConfig.defaults().with(Map.of("model.hidden-size", "8", "training.mode", "off",
                // Short enough for the jump at tick 120 to raise alerts.
                "anomaly.warmup", "50", "model.store", store.toUri().toString()));
        ForecastGraph.Settings settings = new ForecastGraph.Settings(
                config.forecaster().withInitialModel(config.initialModel()).withBundleSize(1), 2048);
        DataStream<RawReading> raw = env.fromData(TypeInformation.of(RawReading.class), readings().toArray(new RawReading[0]));
        ForecastGraph.Streams streams = ForecastGraph.build(raw, null, settings, new ForecastGraph.Sinks(null, null, null, null, null));
        DataStream<String> out = streams.forecasts().map(f -> "forecast " + withoutLatency(JsonCodec.toBytes(f))).returns(Types.STRING)
                .union(streams.alerts().map(a -> "alert " + new String(JsonCodec.toBytes(a), StandardCharsets.UTF_8)).returns(Types.STRING),
                        streams.deadLetters().map(d -> "dead letter " + d.reason + " " + d.payload).returns(Types.STRING));
        List<String> lines = new ArrayList<>();
        try (CloseableIterator<String> it = out.executeAndCollect()) {
            it.forEachRemaining(lines::add);
        }
        return lines;
    }

    /** The one field that depends on the clock. */
    private static String withoutLatency(byte[] json) throws Exception {
        ObjectNode node = (ObjectNode) JsonCodec.mapper().readTree(json);
        node.remove("latencyMs");
        return node.toString();
    }

    /** 20 series of 150 readings with a jump, some repeated timestamps and some bad records. */
    private static List<RawReading> readings() {
        List<RawReading> raw = new ArrayList<>();
        long offset = 0;
        for (int t = 0; t < 150; t++) {
            for (int k = 0; k < 20; k++) {
                double value = 10 + k + 3 * Math.sin((t + k) / 4.0) + (t == 120 && k % 4 == 0 ? 50 : 0);
                raw.add(record("{\"key\":\"s" + k + "\",\"ts\":" + (1_000L * t) + ",\"value\":" + value + "}", offset++));
                if ((t * 20 + k) % 97 == 0) {
                    raw.add(record("{\"key\":\"s" + k + "\",\"ts\":" + (1_000L * t) + ",\"value\":1}", offset++));
                    raw.add(record("{\"key\":\"s" + k + "\",\"value\":", offset++));
                }
            }
        }
        return raw;
    }

    private static RawReading record(String json, long offset) {
        return new RawReading(json.getBytes(StandardCharsets.UTF_8), "readings", 0, offset, 0);
    }
}
