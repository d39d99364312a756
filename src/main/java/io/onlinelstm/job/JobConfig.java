package io.onlinelstm.job;

import io.onlinelstm.anomaly.AnomalySettings;
import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.OptimizerConfig;
import io.onlinelstm.io.ModelUpdateSigner;
import io.onlinelstm.training.PublishSettings;
import io.onlinelstm.training.TrainingSettings;
import io.onlinelstm.training.VersionedModel;
import io.onlinelstm.operator.ForecastTarget;
import io.onlinelstm.operator.CombineSettings;
import io.onlinelstm.operator.ForecasterSettings;
import io.onlinelstm.operator.OutOfOrderPolicy;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.TextElement;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Typed, validated view of the {@link JobOptions} for one run, read from {@code --name value}
 * arguments (or a Flink {@link Configuration}). Unknown names are refused with the list of valid
 * ones, so a typo never silently falls back to a default.
 */
public final class JobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, String> values;
    private transient Configuration configuration;

    private JobConfig(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
        // Resolve every option now, so a bad value fails at submission with its name.
        for (ConfigOption<?> option : JobOptions.all()) {
            try {
                configuration().get(option);
            } catch (IllegalArgumentException e) {
                if (option == JobOptions.KAFKA_PROPERTIES) {
                    // Flink's message quotes the raw value, which holds credentials: neither it nor the cause may reach a log.
                    throw new IllegalArgumentException("Invalid value for --" + option.key()
                            + ": expected k1:v1,k2:v2 (quote a value that holds a comma or a colon with single quotes,"
                            + " or put the properties in --kafka.properties-file); the value is not shown because it"
                            + " may hold credentials");
                }
                throw new IllegalArgumentException("Invalid value for --" + option.key() + ": " + e.getMessage(), e);
            }
            // Ranges here, under the option's name, before the settings classes check their fields.
            String problem = JobOptionRules.rangeProblem(option, configuration().get(option));
            if (problem != null) {
                throw new IllegalArgumentException("Invalid value for --" + option.key() + ": " + problem);
            }
        }
        String combination = JobOptionRules.combinationProblem(this::get);
        if (combination != null) {
            throw new IllegalArgumentException("Invalid job options: " + combination);
        }
        model();
        forecaster();
        startingOffsets();
        outputGuarantee();
        if (get(JobOptions.MODEL_STORE_RETENTION_VERSIONS) < 1) {
            throw new IllegalArgumentException("Invalid value for --" + JobOptions.MODEL_STORE_RETENTION_VERSIONS.key()
                    + ": " + get(JobOptions.MODEL_STORE_RETENTION_VERSIONS) + "; keep at least 1 committed version");
        }
    }

    public static JobConfig defaults() {
        return new JobConfig(Map.of());
    }

    public static JobConfig of(Map<String, String> values) {
        Map<String, ConfigOption<?>> known = new HashMap<>();
        JobOptions.all().forEach(o -> {
            known.put(o.key(), o);
            o.fallbackKeys().forEach(k -> known.put(k.getKey(), o));
        });
        for (String name : values.keySet()) {
            if (!known.containsKey(name)) {
                List<String> close = CloseNames.to(name, known.keySet());
                throw new IllegalArgumentException("Unknown option --" + name + "."
                        + (close.isEmpty() ? "" : " Did you mean " + String.join(" or ", close.stream().map(k -> "--" + k).toList()) + "?")
                        + " Valid options: " + String.join(", ", known.keySet().stream().sorted().map(k -> "--" + k).toList()));
            }
        }
        return new JobConfig(values);
    }

    /** Parses {@code --name value} and {@code --name=value} pairs. */
    public static JobConfig fromArgs(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("Expected --option value, got '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("Option --" + name + " needs a value");
            }
            values.put(name, value);
        }
        return of(values);
    }

    /** A copy with some options changed (for tests, the demo and benchmarks). */
    public JobConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        merged.putAll(overrides);
        return of(merged);
    }

    public <T> T get(ConfigOption<T> option) {
        return configuration().get(option);
    }

    private Configuration configuration() {
        if (configuration == null) {
            configuration = Configuration.fromMap(values);
        }
        return configuration;
    }

    public LstmConfig model() {
        return LstmConfig.builder()
                .features(get(JobOptions.MODEL_FEATURES))
                .hiddenSize(get(JobOptions.MODEL_HIDDEN_SIZE))
                .layers(get(JobOptions.MODEL_LAYERS))
                .horizon(get(JobOptions.MODEL_HORIZON))
                .dropout(get(JobOptions.MODEL_DROPOUT))
                .seed(get(JobOptions.MODEL_SEED))
                .build();
    }

    /** off, async or inline. */
    public String trainingMode() {
        String mode = get(JobOptions.TRAINING_MODE).trim().toLowerCase(Locale.ROOT);
        if (!List.of("off", "async", "inline").contains(mode)) {
            throw new IllegalArgumentException("Invalid value for --training.mode: '" + mode + "'; use off, async or inline");
        }
        return mode;
    }

    public TrainingSettings training() {
        return new TrainingSettings(
                get(JobOptions.TRAINING_STRIDE),
                get(JobOptions.TRAINING_SAMPLE_RATE),
                get(JobOptions.TRAINING_BUFFER),
                get(JobOptions.TRAINING_HOLDOUT),
                get(JobOptions.TRAINING_EVERY_WINDOWS),
                get(JobOptions.TRAINING_EVERY),
                get(JobOptions.TRAINING_STEPS),
                get(JobOptions.TRAINING_BATCH),
                OptimizerConfig.builder()
                        .learningRate(get(JobOptions.TRAINING_LEARNING_RATE))
                        .weightDecay(get(JobOptions.TRAINING_WEIGHT_DECAY))
                        .clipNorm(get(JobOptions.TRAINING_CLIP_NORM))
                        .build(),
                get(JobOptions.TRAINING_TOLERANCE),
                get(JobOptions.TRAINING_MIN_WINDOWS),
                get(JobOptions.TRAINING_MAX_BUSY_SHARE),
                get(JobOptions.TRAINING_ROLLBACK_MARGIN),
                get(JobOptions.TRAINING_ROLLBACK_MIN_SAMPLES),
                get(JobOptions.TRAINING_EVERY_SHARE));
    }

    /**
     * The job's model store: {@code model.store}, else one of its own under the machine's temporary
     * folder, {@code file://<java.io.tmpdir>/online-lstm/models/<job.name>}.
     */
    public String modelStore() {
        String explicit = get(JobOptions.MODEL_STORE).trim();
        if (!explicit.isEmpty()) {
            return explicit;
        }
        String job = get(JobOptions.JOB_NAME).trim().replaceAll("[^A-Za-z0-9._-]", "_");
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "online-lstm", "models",
                job.isEmpty() || job.chars().allMatch(c -> c == '.') ? "_" : job);
        return dir.toAbsolutePath().toUri().toString();
    }

    /** Whether {@code model.store} was given (rather than the per-job default). */
    public boolean modelStoreGiven() {
        return !get(JobOptions.MODEL_STORE).trim().isEmpty();
    }

    /** Where the trainer publishes: the job's store, its retention, job name and signer. */
    public PublishSettings publishing() {
        return new PublishSettings(modelStore(), get(JobOptions.MODEL_STORE_RETENTION_VERSIONS),
                get(JobOptions.JOB_NAME), modelSigner());
    }

    /**
     * The signer of {@code model.signing-key-file}, read now; null when the option is empty (updates
     * unsigned). Forecasters verify with the same object ({@link ModelUpdateSigner#verify}).
     */
    public ModelUpdateSigner modelSigner() {
        String file = get(JobOptions.MODEL_SIGNING_KEY_FILE).trim();
        return file.isEmpty() ? null : ModelUpdateSigner.fromFile(java.nio.file.Path.of(file));
    }

    /**
     * The model a live job starts from: the newest committed model in the job's store
     * ({@link #modelStore()}), else {@code model.initial}, which then enters the store as version 1,
     * else fresh weights from the seed (version 0); see {@link StartingModel}. Reads (and may write)
     * the store, so call it once when building the job.
     */
    public VersionedModel initialModel() {
        return StartingModel.choose(this, modelStore(), true);
    }

    /**
     * The model a replay starts from: the newest committed model of {@code model.store} when that is
     * given, else {@code model.initial} (version 1), else fresh weights. Never the per-job default
     * store, so a replay's figures do not depend on what ran on the machine before, and a replay
     * writes to no store.
     */
    public VersionedModel replayInitialModel() {
        return StartingModel.choose(this, modelStoreGiven() ? modelStore() : null, false);
    }

    /** Forecaster settings without the initial model (see {@link #initialModel()}). */
    public ForecasterSettings forecaster() {
        return new ForecasterSettings(
                model(),
                ComputeDevice.parse(get(JobOptions.MODEL_DEVICE)),
                get(JobOptions.BUNDLE_SIZE),
                get(JobOptions.BUNDLE_MAX_WAIT),
                get(JobOptions.WINDOW),
                OutOfOrderPolicy.parse(get(JobOptions.OUT_OF_ORDER)),
                get(JobOptions.STATE_TTL),
                trainingMode().equals("off") ? null : training(),
                trainingMode().equals("inline"),
                null,
                ForecastTarget.parse(get(JobOptions.FORECAST_TARGET)),
                anomaly(),
                combine());
    }

    /** The combination's settings; null when forecaster.combine is false. */
    public CombineSettings combine() {
        if (!get(JobOptions.COMBINE)) {
            return null;
        }
        try {
            return new CombineSettings(get(JobOptions.AR_LAGS), get(JobOptions.AR_FORGETTING),
                    get(JobOptions.COMBINE_DISCOUNT), get(JobOptions.COMBINE_SHARPNESS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid combination options (--" + JobOptions.AR_LAGS.key() + ", --"
                    + JobOptions.AR_FORGETTING.key() + ", --" + JobOptions.COMBINE_DISCOUNT.key() + ", --"
                    + JobOptions.COMBINE_SHARPNESS.key() + "): " + e.getMessage(), e);
        }
    }

    /** The anomaly settings; null when anomaly.enabled is false. */
    public AnomalySettings anomaly() {
        if (!get(JobOptions.ANOMALY_ENABLED)) {
            return null;
        }
        return new AnomalySettings(get(JobOptions.ANOMALY_THRESHOLD), get(JobOptions.ANOMALY_WARMUP),
                get(JobOptions.ANOMALY_LONG_WINDOW), get(JobOptions.ANOMALY_SHORT_WINDOW),
                get(JobOptions.ANOMALY_QUIET_PERIOD), "combined".equals(get(JobOptions.ANOMALY_RESIDUAL)),
                get(JobOptions.ANOMALY_RANGE_TOLERANCE), anomalyParts(get(JobOptions.ANOMALY_PARTS)));
    }

    static java.util.Set<io.onlinelstm.anomaly.AnomalyDetector.Part> anomalyParts(String list) {
        java.util.Set<io.onlinelstm.anomaly.AnomalyDetector.Part> parts =
                java.util.EnumSet.noneOf(io.onlinelstm.anomaly.AnomalyDetector.Part.class);
        for (String name : list.split(",")) {
            String n = name.trim().toUpperCase(Locale.ROOT);
            if (!n.isEmpty()) {
                parts.add(io.onlinelstm.anomaly.AnomalyDetector.Part.valueOf(n));
            }
        }
        return parts;
    }

    /** One of committed-or-earliest, earliest, latest. */
    public String startingOffsets() {
        String s = get(JobOptions.KAFKA_STARTING_OFFSETS).trim().toLowerCase(Locale.ROOT);
        if (!List.of("committed-or-earliest", "earliest", "latest").contains(s)) {
            throw new IllegalArgumentException(
                    "Invalid value for --kafka.starting-offsets: '" + s + "'; use committed-or-earliest, earliest or latest");
        }
        return s;
    }

    /** How forecasts and alerts are written: exactly-once or at-least-once. */
    public DeliveryGuarantee outputGuarantee() {
        String s = get(JobOptions.KAFKA_DELIVERY_GUARANTEE).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            default -> throw new IllegalArgumentException("Invalid value for --" + JobOptions.KAFKA_DELIVERY_GUARANTEE.key()
                    + ": '" + s + "'; use exactly-once or at-least-once");
        };
    }

    /** Extra Kafka client properties: those of kafka.properties-file, overridden by kafka.properties. */
    public Properties kafkaProperties() {
        Properties p = new Properties();
        String file = get(JobOptions.KAFKA_PROPERTIES_FILE);
        if (!file.isBlank()) {
            try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file))) {
                p.load(in);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("Cannot read --kafka.properties-file " + file + " (" + e
                        + "); give a readable Java properties file of Kafka client settings, or leave the option out");
            }
        }
        p.putAll(get(JobOptions.KAFKA_PROPERTIES));
        return p;
    }

    /** Largest batch of the sinks' producers: large enough that linger, not size, closes a batch at high rates. */
    static final int SINK_BATCH_BYTES = 128 * 1024;

    /**
     * Properties of the sinks' producers: {@link #kafkaProperties()} over the job's batching defaults
     * (linger from kafka.sink-linger, {@value #SINK_BATCH_BYTES} bytes a batch).
     */
    public Properties producerProperties() {
        return producerProperties(kafkaProperties());
    }

    /** As {@link #producerProperties()}, over Kafka properties already read (one read for every client). */
    public Properties producerProperties(Properties kafka) {
        Properties p = new Properties();
        p.setProperty("linger.ms", String.valueOf(get(JobOptions.KAFKA_SINK_LINGER).toMillis()));
        p.setProperty("batch.size", String.valueOf(SINK_BATCH_BYTES));
        p.putAll(kafka);
        return p;
    }

    /** The options as given, with Kafka client properties masked: safe to log. */
    public Map<String, String> describeForLog() {
        Map<String, String> shown = new LinkedHashMap<>(values);
        if (shown.containsKey(JobOptions.KAFKA_PROPERTIES.key())) {
            shown.put(JobOptions.KAFKA_PROPERTIES.key(), "<" + get(JobOptions.KAFKA_PROPERTIES).size() + " properties, values hidden>");
        }
        return shown;
    }

    /** The options table printed by --help. */
    public static String helpText() {
        StringBuilder sb = new StringBuilder();
        for (ConfigOption<?> o : JobOptions.all()) {
            sb.append(String.format("  --%s <%s>  (default: %s)%n", o.key(), typeName(o), defaultText(o)));
            sb.append(String.format("      %s%n", describe(o)));
        }
        return sb.toString();
    }

    /** An option's default as --help shows it (durations in their highest unit, e.g. 10 s); also used by {@link OptionsTable}. */
    static String defaultText(ConfigOption<?> o) {
        Object def = o.hasDefaultValue() ? o.defaultValue() : "";
        if (def instanceof java.time.Duration d) {
            def = org.apache.flink.util.TimeUtils.formatWithHighestUnit(d);
        }
        return String.valueOf(def);
    }

    /** An option's type as --help shows it; also used by {@link OptionsTable}. */
    static String typeName(ConfigOption<?> o) {
        Object def = o.defaultValue();
        if (def instanceof java.time.Duration) {
            return "duration";
        }
        if (def instanceof Map) {
            return "k:v,...";
        }
        return def == null ? "value" : def.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** An option's description as --help shows it; also used by {@link OptionsTable}. */
    static String describe(ConfigOption<?> o) {
        List<String> parts = new ArrayList<>();
        o.description().getBlocks().forEach(b -> {
            if (b instanceof TextElement t) {
                parts.add(t.getFormat());
            }
        });
        return String.join(" ", parts);
    }
}
