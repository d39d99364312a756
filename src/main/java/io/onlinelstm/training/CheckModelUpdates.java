package io.onlinelstm.training;

import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.DeadLetterReason;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.io.ModelUpdateParser;
import io.onlinelstm.io.ModelUpdateSigner;
import io.onlinelstm.io.RawReading;
import io.onlinelstm.model.IncompatibleModelException;
import io.onlinelstm.model.InvalidModelException;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.WeightInitializer;
import io.onlinelstm.model.WeightsCodec;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check of every record on the model-updates topic, before it is broadcast to the
 * forecasters (run at parallelism 1, so a bad update is counted and logged once, not once per
 * forecaster): parsed tolerantly, its signature verified when a key is configured, its weights
 * fetched from the store when they did not travel inline, checked against the announced checksum
 * and decoded against the job's architecture. What passes goes on with its weights attached, so no
 * forecaster reads the store; what fails goes to the dead-letter output with its reason. Nothing
 * here throws: a bad update never fails or restarts the job.
 */
public final class CheckModelUpdates extends ProcessFunction<RawReading, ModelUpdate> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CheckModelUpdates.class);

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("model-update-dead-letters", TypeInformation.of(DeadLetter.class));

    private final LstmConfig config;
    private final String jobName;
    private final ModelUpdateSigner signer;
    private final long startVersion;
    private final String storeUri;
    private final ModelUpdateParser parser = new ModelUpdateParser();

    private transient ListState<Long> newestState;
    private transient long newest;
    private transient Counter accepted;
    private transient Counter ignored;
    private transient Counter malformed;
    private transient Counter refused;
    private transient Map<DeadLetterReason, Counter> byReason;
    private transient long maxModelBytes;

    /**
     * @param signer verifies signatures; null accepts unsigned updates (no key configured)
     * @param startVersion the version the forecasters start from without a checkpoint: older
     *     announcements on the topic are old news, passed over without reading the store (whose
     *     retention may have deleted them); used on a fresh start only, a restore keeps what it saw
     * @param storeUri the job's model store: weights that did not travel inline are read from there
     *     only, never from wherever an update's uri points; null refuses such updates
     */
    public CheckModelUpdates(LstmConfig config, String jobName, ModelUpdateSigner signer, long startVersion,
                             String storeUri) {
        this.config = config;
        this.jobName = jobName;
        this.signer = signer;
        this.startVersion = startVersion;
        this.storeUri = storeUri;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        newestState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("newest-accepted-version", BasicTypeInfo.LONG_TYPE_INFO));
        // A restore (perhaps from an older savepoint than the store's newest model) serves the
        // checkpoint's version: replayed announcements after it are news again.
        newest = context.isRestored() ? 0 : startVersion;
        for (Long v : newestState.get()) {
            newest = Math.max(newest, v);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        newestState.update(List.of(newest));
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext().getMetricGroup();
        accepted = group.counter("modelUpdatesAccepted");
        ignored = group.counter("modelUpdatesIgnored");
        malformed = group.counter("modelUpdatesMalformed");
        refused = group.counter("modelUpdatesRefused");
        MetricGroup reasons = group.addGroup("deadLetters");
        // What a model of this architecture encodes to, with room for a longer header.
        maxModelBytes = WeightsCodec.encode(WeightInitializer.initialize(config)).length + 64 * 1024;
        byReason = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            byReason.put(r, reasons.counter(r.id()));
        }
    }

    @Override
    public void processElement(RawReading raw, Context ctx, Collector<ModelUpdate> out) {
        ModelUpdateParser.Result parsed = parser.parse(raw);
        if (!parsed.isValid()) {
            malformed.inc();
            deadLetter(ctx, raw, parsed.deadLetter(), DeadLetterReason.MALFORMED_MODEL_UPDATE);
            return;
        }
        ModelUpdate update = parsed.update();
        if (update.version <= newest) {
            // Already passed on (a replay of the topic after a restart): the forecasters have it or newer.
            ignored.inc();
            return;
        }
        if (signer != null) {
            ModelUpdateSigner.Verification v = signer.verify(update, jobName);
            if (!v.accepted()) {
                DeadLetterReason reason = v == ModelUpdateSigner.Verification.UNSIGNED
                        ? DeadLetterReason.UNSIGNED_MODEL_UPDATE : DeadLetterReason.FORGED_MODEL_UPDATE;
                refuse(ctx, raw, update, reason, "signature check: " + v.name().toLowerCase(java.util.Locale.ROOT)
                        + " (model.signing-key-file is set: only updates signed by this job's trainer are served)");
                return;
            }
        }
        byte[] weights;
        if (update.weights != null) {
            weights = update.weights;
        } else {
            String problem = notInStore(update.uri);
            if (problem != null) {
                refuse(ctx, raw, update, DeadLetterReason.MODEL_UNREADABLE, problem);
                return;
            }
            try {
                weights = ModelStore.read(update.uri, null, maxModelBytes);
            } catch (RuntimeException e) {
                // Whatever the file system throws (a missing file, a plugin's client error): refused, never thrown.
                refuse(ctx, raw, update, DeadLetterReason.MODEL_UNREADABLE, String.valueOf(e.getMessage()));
                return;
            }
        }
        try {
            if (!update.checksum.equals(WeightsCodec.checksum(weights))) {
                refuse(ctx, raw, update, DeadLetterReason.CORRUPT_MODEL,
                        "the weights do not match the announced checksum " + update.checksum);
                return;
            }
            WeightsCodec.decode(weights, config);
        } catch (IncompatibleModelException e) {
            refuse(ctx, raw, update, DeadLetterReason.INCOMPATIBLE_MODEL, e.getMessage());
            return;
        } catch (InvalidModelException e) {
            refuse(ctx, raw, update, DeadLetterReason.CORRUPT_MODEL, e.getMessage());
            return;
        } catch (RuntimeException e) {
            // Bytes that fail to decode in another way: refused like any corrupt model, never thrown.
            refuse(ctx, raw, update, DeadLetterReason.CORRUPT_MODEL, "weights do not decode: " + e);
            return;
        }
        update.weights = weights;
        newest = update.version;
        accepted.inc();
        out.collect(update);
    }

    /** Why weights at {@code uri} are not read (not a file directly in the job's store), or null. */
    private String notInStore(String uri) {
        if (storeUri == null) {
            return "the update names weights at " + uri + " but this job has no model store to read them from";
        }
        try {
            java.net.URI file = new org.apache.flink.core.fs.Path(uri).toUri();
            java.net.URI store = new org.apache.flink.core.fs.Path(storeUri).toUri();
            java.net.URI parent = new org.apache.flink.core.fs.Path(uri).getParent().toUri();
            boolean inside = java.util.Objects.equals(file.getScheme(), store.getScheme())
                    && java.util.Objects.equals(file.getAuthority(), store.getAuthority())
                    && java.util.Objects.equals(parent.getPath(), store.getPath());
            return inside ? null : "the weights' uri " + uri + " is not in this job's model store " + storeUri
                    + " (weights are only read from there)";
        } catch (RuntimeException e) {
            return "unusable uri " + uri + ": " + e.getMessage();
        }
    }

    private void refuse(Context ctx, RawReading raw, ModelUpdate update, DeadLetterReason reason, String detail) {
        refused.inc();
        LOG.error("Refusing model version {} from {}-{} at offset {}: {} ({}). Forecasting continues on the serving"
                + " version.", update.version, raw.topic, raw.partition, raw.offset, reason.id(), detail);
        deadLetter(ctx, raw, ModelUpdateParser.deadLetter(raw, reason, detail), reason);
    }

    private void deadLetter(Context ctx, RawReading raw, DeadLetter letter, DeadLetterReason reason) {
        if (reason == DeadLetterReason.MALFORMED_MODEL_UPDATE) {
            LOG.warn("Malformed model update in {}-{} at offset {}: {}. It goes to the model-update dead letters;"
                    + " forecasting continues.", raw.topic, raw.partition, raw.offset, letter.detail);
        }
        byReason.get(reason).inc();
        ctx.output(DEAD_LETTERS, letter);
    }
}
