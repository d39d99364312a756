package io.onlinelstm.job;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.training.TrainingSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every option of the forecasting job, with its name, type, default and description: the one
 * place configuration is defined. Given on the command line as {@code --name value}.
 */
public final class JobOptions {

    private JobOptions() {}

    // ---- Kafka ------------------------------------------------------------------------------

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS = key("kafka.bootstrap-servers")
            .stringType().defaultValue("localhost:9092")
            .withDescription("Kafka brokers, host:port[,host:port...].");

    public static final ConfigOption<String> TOPIC_READINGS = key("kafka.topic.readings")
            .stringType().defaultValue("readings")
            .withDescription("Input topic of JSON readings {\"key\",\"ts\",\"value\"[,\"features\"]}.");

    public static final ConfigOption<String> TOPIC_FORECASTS = key("kafka.topic.forecasts")
            .stringType().defaultValue("forecasts")
            .withDescription("Output topic of forecasts (JSON, keyed by series key), written exactly once.");

    public static final ConfigOption<String> TOPIC_DEAD_LETTERS = key("kafka.topic.dead-letters")
            .stringType().defaultValue("readings-dlq")
            .withDescription("Output topic of refused readings: payload, reason, source topic/partition/offset.");

    public static final ConfigOption<String> KAFKA_GROUP_ID = key("kafka.group-id")
            .stringType().defaultValue("online-lstm")
            .withDescription("Consumer group of the input (offsets are committed on checkpoints).");

    public static final ConfigOption<String> KAFKA_STARTING_OFFSETS = key("kafka.starting-offsets")
            .stringType().defaultValue("committed-or-earliest")
            .withDescription("Where a job without a checkpoint starts reading: committed-or-earliest, earliest or latest.");

    public static final ConfigOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX = key("kafka.transactional-id-prefix")
            .stringType().defaultValue("online-lstm")
            .withDescription("Prefix of the sinks' transactional ids; unique per job on a Kafka cluster.");

    public static final ConfigOption<String> KAFKA_DELIVERY_GUARANTEE = key("kafka.delivery-guarantee")
            .stringType().defaultValue("exactly-once")
            .withDescription("Forecasts and alerts: exactly-once (visible to read_committed consumers at each checkpoint)"
                    + " or at-least-once (visible as soon as written, within milliseconds; after a failover some are"
                    + " written again: dedupe by key and ts, and a repeat may carry another model version). Dead letters"
                    + " and model updates stay exactly-once.");

    public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT = key("kafka.transaction-timeout")
            .durationType().defaultValue(Duration.ofMinutes(15))
            .withDescription("Sink transaction timeout. Must not exceed the brokers' transaction.max.timeout.ms"
                    + " (15 min by default) and must exceed the checkpoint interval plus recovery time.");

    public static final ConfigOption<Duration> KAFKA_SINK_LINGER = key("kafka.sink-linger")
            .durationType().defaultValue(Duration.ofMillis(20))
            .withDescription("How long the sinks' producers wait to fill a batch (linger.ms; batches of up to 128 KB)."
                    + " One forecast per reading makes many small records: fewer, larger produce requests cut the"
                    + " broker's and the producers' work per record. Exactly-once output waits for the checkpoint"
                    + " anyway; at-least-once output is visible up to this much later. linger.ms or batch.size in"
                    + " kafka.properties override it.");

    public static final ConfigOption<Map<String, String>> KAFKA_PROPERTIES = key("kafka.properties")
            .mapType().defaultValue(Map.of())
            .withDescription("Extra Kafka client properties for source and sinks, as k1:v1,k2:v2"
                    + " (for example security.protocol:SASL_SSL). Values are never logged.");

    public static final ConfigOption<String> KAFKA_PROPERTIES_FILE = key("kafka.properties-file")
            .stringType().defaultValue("")
            .withDescription("A Java properties file of extra Kafka client properties, read where the job is built"
                    + " (the JobManager under flink run and application mode): the place for secrets such as"
                    + " sasl.jaas.config, for example a mounted Kubernetes Secret, so that they never travel as"
                    + " program arguments. Entries of kafka.properties override it. Values are never logged.");

    // ---- input -------------------------------------------------------------------------------

    public static final ConfigOption<Integer> INPUT_MAX_RECORD_BYTES = key("input.max-record-bytes")
            .intType().defaultValue(64 * 1024)
            .withDescription("Larger input records go to the dead-letter topic as too_large.");

    // ---- model -------------------------------------------------------------------------------

    public static final ConfigOption<Integer> MODEL_FEATURES = key("model.features")
            .intType().defaultValue(LstmConfig.DEFAULT_FEATURES)
            .withDescription("Model inputs per event: value plus (features - 1) extra numbers in the record's features array.");

    public static final ConfigOption<Integer> MODEL_HIDDEN_SIZE = key("model.hidden-size")
            .intType().defaultValue(LstmConfig.DEFAULT_HIDDEN_SIZE)
            .withDescription("Units per LSTM layer.");

    public static final ConfigOption<Integer> MODEL_LAYERS = key("model.layers")
            .intType().defaultValue(LstmConfig.DEFAULT_LAYERS)
            .withDescription("Stacked LSTM layers.");

    public static final ConfigOption<Integer> MODEL_HORIZON = key("model.horizon")
            .intType().defaultValue(LstmConfig.DEFAULT_HORIZON)
            .withDescription("Future values per forecast.");

    public static final ConfigOption<Float> MODEL_DROPOUT = key("model.dropout")
            .floatType().defaultValue(LstmConfig.DEFAULT_DROPOUT)
            .withDescription("Dropout between LSTM layers while training.");

    public static final ConfigOption<Long> MODEL_SEED = key("model.seed")
            .longType().defaultValue(LstmConfig.DEFAULT_SEED)
            .withDescription("Seed of the initial weights.");

    public static final ConfigOption<String> MODEL_DEVICE = key("model.device")
            .stringType().defaultValue("auto")
            .withDescription("auto (first GPU if DJL sees one, else CPU), cpu, or gpu:N.");

    // ---- forecaster ----------------------------------------------------------------------------

    public static final ConfigOption<Integer> BUNDLE_SIZE = key("forecaster.bundle-size")
            .intType().defaultValue(256)
            .withDescription("Readings stepped together in one batched LSTM call.");

    public static final ConfigOption<Duration> BUNDLE_MAX_WAIT = key("forecaster.bundle-max-wait")
            .durationType().defaultValue(Duration.ofMillis(10))
            .withDescription("Longest a reading waits for its bundle to fill (processing time).");

    public static final ConfigOption<Integer> WINDOW = key("forecaster.window")
            .intType().defaultValue(32)
            .withDescription("Length of the recent-history window kept per series for training.");

    public static final ConfigOption<String> OUT_OF_ORDER = key("forecaster.out-of-order")
            .stringType().defaultValue("dead-letter")
            .withDescription("A reading whose ts is not after its series' last: dead-letter (refuse, state unchanged) or accept.");

    public static final ConfigOption<String> FORECAST_TARGET = key("forecaster.target")
            .stringType().defaultValue("delta")
            .withDescription("What the network outputs: delta (the change from the current value, so persistence is"
                    + " its zero) or level (the next values themselves).");

    public static final ConfigOption<Boolean> COMBINE = key("forecaster.combine")
            .booleanType().defaultValue(true)
            .withDescription("Emit, as each forecast value, a combination of the network, an online linear"
                    + " autoregression of the series (iterated for later steps) and persistence, weighted by each one's"
                    + " recent errors on the first value (the weights and an 80 % interval around the first value come"
                    + " with it); errors and anomaly scores are then the combination's."
                    + " false: the network's forecast as it is.");

    public static final ConfigOption<Integer> AR_LAGS = key("forecaster.ar-lags")
            .intType().defaultValue(24)
            .withDescription("Recent changes the per-series autoregression looks at (besides the level and a bias);"
                    + " its state grows with the square: 24 takes about 1.5 KB per series.");

    public static final ConfigOption<Double> AR_FORGETTING = key("forecaster.ar-forgetting")
            .doubleType().defaultValue(0.999)
            .withDescription("Forgetting factor of the autoregression's least squares, in (0, 1]: 0.999 weighs"
                    + " about the last 1,000 readings, 1 all of them alike.");

    public static final ConfigOption<Double> COMBINE_DISCOUNT = key("forecaster.combine-discount")
            .doubleType().defaultValue(0.99)
            .withDescription("Per-reading discount of the members' past squared errors that set the weights and the"
                    + " interval, in (0, 1): 0.99 weighs about the last 100 readings.");

    public static final ConfigOption<Double> COMBINE_SHARPNESS = key("forecaster.combine-sharpness")
            .doubleType().defaultValue(10.0)
            .withDescription("How strongly the weights follow relative error: a member whose recent mean squared error"
                    + " is the best one's x (1 + r) gets exp(-sharpness x r) of the best one's weight; 0: equal weights.");

    public static final ConfigOption<Duration> STATE_TTL = key("forecaster.state-ttl")
            .durationType().defaultValue(Duration.ofDays(7))
            .withDescription("A series silent this long loses its state and starts afresh; 0 keeps state forever.");

    // ---- anomalies ---------------------------------------------------------------------------

    public static final ConfigOption<Boolean> ANOMALY_ENABLED = key("anomaly.enabled")
            .booleanType().defaultValue(true)
            .withDescription("Score every reading for anomalies and raise alerts; false: anomaly scores are 0, no"
                    + " alerts, no anomaly state.");

    public static final ConfigOption<Double> ANOMALY_THRESHOLD = key("anomaly.threshold")
            .doubleType().defaultValue(0.7)
            .withDescription("Anomaly score at or above which a reading is anomalous: it opens an alert (or keeps one"
                    + " open) and stays out of training windows. The residual and season parts score a tail"
                    + " probability p as d / (d + 5) with d = -log10 p: 0.5 is p = 1e-5, 0.7 is about 1e-12;"
                    + " range and flat score 1; 1 leaves only those.");

    public static final ConfigOption<String> ANOMALY_PARTS = key("anomaly.parts")
            .stringType().defaultValue("residual,spike,season,range,flat")
            .withDescription("The detector's parts that are on (comma-separated): residual (the forecast's recent errors"
                    + " against their usual size), spike (one extreme error alone), season (the value against its usual level at this half hour of the"
                    + " day, on this day of the week from a series' third week), range (a value beyond every one seen), flat (a run of repeats longer than any seen).");

    public static final ConfigOption<Integer> ANOMALY_WARMUP = key("anomaly.warmup")
            .intType().defaultValue(200)
            .withDescription("Readings per series before any part of the detector can fire.");

    public static final ConfigOption<Integer> ANOMALY_LONG_WINDOW = key("anomaly.long-window")
            .intType().defaultValue(1_000)
            .withDescription("Readings over which a series' usual errors are learnt.");

    public static final ConfigOption<Integer> ANOMALY_SHORT_WINDOW = key("anomaly.short-window")
            .intType().defaultValue(5)
            .withDescription("Recent readings whose mean error is compared with the usual ones.");

    public static final ConfigOption<Double> ANOMALY_RANGE_TOLERANCE = key("anomaly.range-tolerance")
            .doubleType().defaultValue(0.05)
            .withDescription("The range part fires on a value beyond the series' range so far by more than this share"
                    + " of that range.");

    public static final ConfigOption<Duration> ANOMALY_QUIET_PERIOD = key("anomaly.quiet-period")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("Event time without an anomalous reading after which a series' open alert clears (an"
                    + " alert-cleared record); no second alert is raised while one is open.");

    public static final ConfigOption<String> ANOMALY_RESIDUAL = key("anomaly.residual")
            .stringType().defaultValue("combined")
            .withDescription("Whose residual the detector scores: combined (the emitted forecast; the network's own when"
                    + " forecaster.combine is off) or network (the LSTM's own forecast); docs/benchmarks.md compares"
                    + " them on NAB.");

    public static final ConfigOption<String> TOPIC_ALERTS = key("kafka.topic.alerts")
            .stringType().defaultValue("alerts")
            .withDescription("Output topic of anomaly alerts (JSON, keyed by series key), written exactly once.");

    // ---- training ----------------------------------------------------------------------------

    public static final ConfigOption<String> TRAINING_MODE = key("training.mode")
            .stringType().defaultValue("async")
            .withDescription("off (forecast only), async (a trainer at parallelism 1 publishes versions through the"
                    + " model store and the model-updates topic), or inline (train inside the forecaster; parallelism 1,"
                    + " deterministic, for bounded replays).");

    public static final ConfigOption<Integer> TRAINING_STRIDE = key("training.stride")
            .intType().defaultValue(32)
            .withDescription("A series offers a training window every this many readings (the default, equal to"
                    + " the window length, makes windows that do not overlap).");

    public static final ConfigOption<Double> TRAINING_SAMPLE_RATE = key("training.sample-rate")
            .doubleType().defaultValue(1.0)
            .withDescription("Share of offered windows kept (lower it for very many series).");

    public static final ConfigOption<Integer> TRAINING_BUFFER = key("training.buffer-windows")
            .intType().defaultValue(10_000)
            .withDescription("Replay buffer size: half the newest windows, half a reservoir of older ones.");

    public static final ConfigOption<Integer> TRAINING_HOLDOUT = key("training.holdout-windows")
            .intType().defaultValue(256)
            .withDescription("Newest windows kept out of training to validate each candidate.");

    public static final ConfigOption<Integer> TRAINING_MIN_WINDOWS = key("training.min-windows")
            .intType().defaultValue(TrainingSettings.DEFAULT_MIN_WINDOWS)
            .withDescription("Windows in the buffer before the first round: 8 windows of 32 readings are 256 readings"
                    + " across the series set, so a series set learns within its first few hundred readings.");

    public static final ConfigOption<Double> TRAINING_EVERY_SHARE = key("training.every-share")
            .doubleType().defaultValue(TrainingSettings.DEFAULT_EVERY_SHARE)
            .withDescription("After a round, the next one starts once this share of all the windows received so far"
                    + " has arrived (at least 1, at most training.every-windows): a young model trains often, and"
                    + " the spacing grows with its age; 1 doubles it, rounds after 8, 16, 32 ... windows. Counted"
                    + " in windows, not time, so a replay and a live job train alike. 0: every"
                    + " training.every-windows windows.");

    public static final ConfigOption<Integer> TRAINING_EVERY_WINDOWS = key("training.every-windows")
            .intType().defaultValue(TrainingSettings.DEFAULT_EVERY_WINDOWS)
            .withDescription("Most new windows between two rounds, the spacing of a grown model's rounds.");

    public static final ConfigOption<Duration> TRAINING_EVERY = key("training.every")
            .durationType().defaultValue(TrainingSettings.DEFAULT_EVERY)
            .withDescription("Async mode: a round also starts after this long with at least one new window, for a"
                    + " job whose windows come too slowly; 0 (the default) leaves the spacing to the windows alone.");

    public static final ConfigOption<Integer> TRAINING_STEPS = key("training.steps")
            .intType().defaultValue(20)
            .withDescription("Adam steps per round.");

    public static final ConfigOption<Integer> TRAINING_BATCH = key("training.batch-size")
            .intType().defaultValue(64)
            .withDescription("Windows per Adam step.");

    public static final ConfigOption<Float> TRAINING_LEARNING_RATE = key("training.learning-rate")
            .floatType().defaultValue(1e-3f)
            .withDescription("Adam learning rate.");

    public static final ConfigOption<Float> TRAINING_WEIGHT_DECAY = key("training.weight-decay")
            .floatType().defaultValue(0f)
            .withDescription("Adam L2 weight decay.");

    public static final ConfigOption<Float> TRAINING_CLIP_NORM = key("training.clip-norm")
            .floatType().defaultValue(1f)
            .withDescription("Gradient clipping by global norm; 0 turns it off.");

    public static final ConfigOption<Double> TRAINING_TOLERANCE = key("training.tolerance")
            .doubleType().defaultValue(0.02)
            .withDescription("A candidate is published when its validation loss is at most the serving model's x (1 + tolerance).");

    public static final ConfigOption<Double> TRAINING_MAX_BUSY_SHARE = key("training.max-busy-share")
            .doubleType().defaultValue(0.2)
            .withDescription("Most of its thread's time the async trainer spends training: after a round it rests,"
                    + " so on a shared TaskManager it cannot starve the forecasters. 1 trains back to back.");

    public static final ConfigOption<Double> TRAINING_ROLLBACK_MARGIN = key("training.rollback-margin")
            .doubleType().defaultValue(0.0)
            .withDescription("Roll back to the previous version (published as a new version) when the newest one's"
                    + " live mean absolute error is worse by more than this share, e.g. 0.1; 0 turns rollback off.");

    public static final ConfigOption<Long> TRAINING_ROLLBACK_MIN_SAMPLES = key("training.rollback-min-samples")
            .longType().defaultValue(1_000L)
            .withDescription("Scored live forecasts each version needs before their errors are compared.");

    public static final ConfigOption<String> MODEL_STORE = key("model.store")
            .stringType().defaultValue("")
            .withDescription("Folder of this job's published models (file://, s3://, hdfs://), reachable from every"
                    + " TaskManager; give every job its own. Empty: file://<java.io.tmpdir>/online-lstm/models/<job.name>,"
                    + " which suits a single machine only. A replay uses a store only when this is given.");

    public static final ConfigOption<Integer> MODEL_STORE_RETENTION_VERSIONS = key("model.store.retention-versions")
            .intType().defaultValue(10)
            .withDescription("Committed versions kept in the model store (the newest always among them); older ones,"
                    + " and uncommitted files of versions up to the newest committed one, are deleted after each commit.");

    public static final ConfigOption<String> MODEL_SIGNING_KEY_FILE = key("model.signing-key-file")
            .stringType().defaultValue("")
            .withDescription("Secret file of HMAC-SHA256 keys, lines keyId=base64key (at least 32 bytes; the current key"
                    + " first, optionally the previous one second), read where the job is built: the trainer signs"
                    + " every model update with the current key. Empty: updates are unsigned. Keys are never logged.");

    public static final ConfigOption<String> MODEL_INITIAL = key("model.initial")
            .stringType().defaultValue("")
            .withFallbackKeys("initial-model")
            .withDescription("Model to warm-start from when the store holds no committed version: a .safetensors"
                    + " state_dict or a weights file written by replay --save-model. It enters the store as version 1;"
                    + " once the store holds versions (a restart) they win and this is ignored. Its configuration must"
                    + " match the model.* options and forecaster.target. Empty: the newest committed model in the"
                    + " store, else fresh weights from the seed (version 0; a replay reads a store only when"
                    + " model.store is given).");

    public static final ConfigOption<String> TOPIC_MODEL_UPDATES = key("kafka.topic.model-updates")
            .stringType().defaultValue("model-updates")
            .withDescription("Topic on which the trainer announces new model versions to the forecasters.");

    public static final ConfigOption<String> TOPIC_MODEL_UPDATES_DLQ = key("kafka.topic.model-updates-dlq")
            .stringType().defaultValue("model-updates-dlq")
            .withDescription("Output topic of refused model updates (malformed, unsigned or forged, corrupt, of another"
                    + " architecture, unreadable): payload, reason, source topic/partition/offset.");

    // ---- job ---------------------------------------------------------------------------------

    public static final ConfigOption<String> JOB_NAME = key("job.name")
            .stringType().defaultValue("online-lstm-forecast")
            .withDescription("Flink job name.");

    public static final ConfigOption<Integer> PARALLELISM = key("job.parallelism")
            .intType().defaultValue(-1)
            .withDescription("Parallelism of the job; -1 takes Flink's default (parallelism.default).");

    /** Max parallelism of a new job: 4,096 key groups let a job started at 2 slots grow to hundreds. */
    public static final int DEFAULT_MAX_PARALLELISM = 4_096;

    public static final ConfigOption<Integer> MAX_PARALLELISM = key("job.max-parallelism")
            .intType().defaultValue(-1)
            .withDescription("Key groups of the job, the most parallelism it can ever be rescaled to. -1: "
                    + DEFAULT_MAX_PARALLELISM + " for a new job (8 key groups per subtask even at 512 subtasks; its"
                    + " cost is a few bytes per key group), and what the savepoint was taken with when restoring one"
                    + " (a savepoint cannot change it; earlier releases' savepoints have 128).");

    public static final ConfigOption<Duration> BUFFER_TIMEOUT = key("job.buffer-timeout")
            .durationType().defaultValue(Duration.ofMillis(5))
            .withDescription("Longest a record waits in a network buffer between operators; Flink's 100 ms default"
                    + " would dominate forecast latency at moderate rates.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = key("checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Exactly-once checkpoint interval; forecasts become visible to read_committed consumers at each checkpoint.");

    public static final ConfigOption<String> CHECKPOINT_STORAGE = key("checkpoint.storage")
            .stringType().defaultValue("")
            .withDescription("Checkpoint folder URI (file://, s3://, hdfs://); empty takes Flink's execution.checkpointing.dir.");

    public static final ConfigOption<String> STATE_BACKEND = key("state.backend")
            .stringType().defaultValue("")
            .withDescription("hashmap (state on the heap), rocksdb (many series, incremental checkpoints) or forst (Flink 2's"
                    + " experimental disaggregated backend, here on local disk like rocksdb; incremental checkpoints, native"
                    + " savepoints only); empty takes Flink's state.backend.type.");

    /** All options, in the order --help lists them. */
    public static List<ConfigOption<?>> all() {
        return List.of(KAFKA_BOOTSTRAP_SERVERS, TOPIC_READINGS, TOPIC_FORECASTS, TOPIC_DEAD_LETTERS, KAFKA_GROUP_ID,
                KAFKA_STARTING_OFFSETS, KAFKA_DELIVERY_GUARANTEE, KAFKA_TRANSACTIONAL_ID_PREFIX, KAFKA_TRANSACTION_TIMEOUT, KAFKA_SINK_LINGER, KAFKA_PROPERTIES, KAFKA_PROPERTIES_FILE,
                INPUT_MAX_RECORD_BYTES,
                MODEL_FEATURES, MODEL_HIDDEN_SIZE, MODEL_LAYERS, MODEL_HORIZON, MODEL_DROPOUT, MODEL_SEED, MODEL_DEVICE,
                BUNDLE_SIZE, BUNDLE_MAX_WAIT, WINDOW, OUT_OF_ORDER, FORECAST_TARGET,
                COMBINE, AR_LAGS, AR_FORGETTING, COMBINE_DISCOUNT, COMBINE_SHARPNESS, STATE_TTL,
                ANOMALY_ENABLED, ANOMALY_THRESHOLD, ANOMALY_PARTS, ANOMALY_WARMUP, ANOMALY_LONG_WINDOW, ANOMALY_SHORT_WINDOW,
                ANOMALY_RANGE_TOLERANCE, ANOMALY_QUIET_PERIOD, ANOMALY_RESIDUAL,
                TOPIC_ALERTS,
                TRAINING_MODE, TRAINING_STRIDE, TRAINING_SAMPLE_RATE, TRAINING_BUFFER, TRAINING_HOLDOUT,
                TRAINING_MIN_WINDOWS, TRAINING_EVERY_SHARE, TRAINING_EVERY_WINDOWS, TRAINING_EVERY, TRAINING_STEPS, TRAINING_BATCH,
                TRAINING_LEARNING_RATE, TRAINING_WEIGHT_DECAY, TRAINING_CLIP_NORM, TRAINING_TOLERANCE, TRAINING_MAX_BUSY_SHARE,
                TRAINING_ROLLBACK_MARGIN, TRAINING_ROLLBACK_MIN_SAMPLES,
                MODEL_STORE, MODEL_STORE_RETENTION_VERSIONS, MODEL_SIGNING_KEY_FILE, MODEL_INITIAL, TOPIC_MODEL_UPDATES, TOPIC_MODEL_UPDATES_DLQ,
                JOB_NAME, PARALLELISM, MAX_PARALLELISM, BUFFER_TIMEOUT, CHECKPOINT_INTERVAL, CHECKPOINT_STORAGE, STATE_BACKEND);
    }
}
