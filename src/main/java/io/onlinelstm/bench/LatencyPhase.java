package io.onlinelstm.bench;

import io.onlinelstm.job.JobOptions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The latency phases of {@link LatencyBenchmark}, by the name `bench latency --phases` takes. */
public enum LatencyPhase {
    /** Forecasts visible as soon as the sink's batch is acknowledged. */
    AT_LEAST_ONCE("at-least-once", "at-least-once", null),
    /** Visible at the checkpoint after them, at the interval of the job options (the job's 10 s). */
    EXACTLY_ONCE("exactly-once", "exactly-once", null),
    /** As {@link #EXACTLY_ONCE}, with 1 s checkpoints. */
    EXACTLY_ONCE_1S("exactly-once-1s", "exactly-once", "1 s");

    private final String optionName;
    private final String deliveryGuarantee;
    private final String checkpointInterval;

    LatencyPhase(String optionName, String deliveryGuarantee, String checkpointInterval) {
        this.optionName = optionName;
        this.deliveryGuarantee = deliveryGuarantee;
        this.checkpointInterval = checkpointInterval;
    }

    public String optionName() {
        return optionName;
    }

    /** The job options of this phase: {@code base} with its delivery guarantee (and interval) over them. */
    Map<String, String> jobOptions(Map<String, String> base) {
        Map<String, String> options = new LinkedHashMap<>(base);
        options.put(JobOptions.KAFKA_DELIVERY_GUARANTEE.key(), deliveryGuarantee);
        if (checkpointInterval != null) {
            options.put(JobOptions.CHECKPOINT_INTERVAL.key(), checkpointInterval);
        }
        return options;
    }

    public static List<String> optionNames() {
        return Arrays.stream(values()).map(LatencyPhase::optionName).toList();
    }

    /** @throws IllegalArgumentException naming the choices when {@code name} is none of them */
    public static LatencyPhase byOptionName(String name) {
        for (LatencyPhase phase : values()) {
            if (phase.optionName.equals(name)) {
                return phase;
            }
        }
        throw new IllegalArgumentException("No latency phase '" + name + "'; choose from " + optionNames());
    }
}
