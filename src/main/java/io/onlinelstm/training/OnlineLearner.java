package io.onlinelstm.training;

import io.onlinelstm.model.ComputeDevice;
import io.onlinelstm.model.LossEvaluator;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.LstmModel;
import io.onlinelstm.model.LstmTrainer;
import io.onlinelstm.model.ModelWeights;
import io.onlinelstm.model.WeightsCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learning loop, free of Flink: windows go into a replay buffer; a round runs k Adam steps on
 * sampled mini-batches, then a validation gate compares the candidate with the serving model on
 * the newest held-out windows. A candidate that is finite and not worse than serving by more than
 * the tolerance becomes the next version; any other is discarded, weights and optimizer state go
 * back to the serving model's, and the rejection is counted.
 *
 * <p>Deterministic for a given sequence of windows and rounds (sampling is seeded), which is what
 * inline mode relies on.
 */
public final class OnlineLearner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnlineLearner.class);
    private static final int SNAPSHOT_FORMAT = 1;

    private final LstmConfig config;
    private final TrainingSettings settings;
    private final LstmModel candidate;
    private final LstmModel serving;
    private final LstmTrainer trainer;
    private final ReplayBuffer buffer;
    private long rounds;

    private LstmTrainer.AdamState servingOptimizerState;
    /** The version that served before the current one, kept for a live-error rollback; null when none. */
    private VersionedModel previous;
    private LstmTrainer.AdamState previousOptimizerState;
    private long rollbacks;
    private long version;
    private long published;
    private long rejected;
    private long refusedWindows;
    private long newSinceRound;
    private long lastRoundAt = Long.MIN_VALUE;
    private long restUntil = Long.MIN_VALUE;
    private long newestWindowAt;

    public OnlineLearner(ModelWeights initial, long initialVersion, ComputeDevice device, TrainingSettings settings) {
        this.config = initial.config();
        this.settings = settings;
        this.candidate = LstmModel.create(initial, device);
        this.serving = LstmModel.create(initial, device);
        this.trainer = new LstmTrainer(candidate, settings.optimizer());
        this.buffer = new ReplayBuffer(settings.bufferCapacity(), settings.holdout(), config.seed() * 31 + 7);
        this.servingOptimizerState = trainer.exportState();
        this.version = initialVersion;
    }

    /**
     * Adds a window to the buffer. Windows holding NaN or infinite values are refused and counted:
     * they would poison every round that samples them.
     *
     * @return whether the window was accepted
     */
    public boolean offer(TrainingWindow w) {
        if (!finite(w.inputs) || !finite(w.targets)
                || w.inputs.length % config.features() != 0
                || w.targets.length != w.inputs.length / config.features() * config.horizon()) {
            refusedWindows++;
            return false;
        }
        buffer.add(w);
        newSinceRound++;
        newestWindowAt = Math.max(newestWindowAt, w.createdAt);
        return true;
    }

    /**
     * Whether a round is due: the first once {@code minWindows} windows are in the buffer, then each
     * after {@link TrainingSettings#windowsBetweenRounds} new windows, a number that grows with the
     * windows received so far, so a young model learns often and an old one at a steady pace. The
     * count of windows decides, so a replay trains where a live job would; with a clock
     * ({@code nowMillis} >= 0, async mode) the trainer also rests after each round to stay within its
     * busy share, and {@code trainEvery}, when set, starts a round after that long as well. With
     * {@code nowMillis} < 0 (inline mode) only the count counts, so replays repeat exactly.
     */
    public boolean due(long nowMillis) {
        if (buffer.size() < settings.minWindows() || buffer.trainable() == 0) {
            return false;
        }
        if (nowMillis >= 0 && nowMillis < restUntil) {
            return false;
        }
        if (newSinceRound >= windowsBeforeNextRound()) {
            return true;
        }
        return nowMillis >= 0 && settings.clockRounds() && newSinceRound > 0 && lastRoundAt != Long.MIN_VALUE
                && nowMillis - lastRoundAt >= settings.trainEvery().toMillis();
    }

    /**
     * New windows the next round waits for. Derived from the buffer's count of windows received and
     * the new ones since the last round, both checkpointed, so a restored learner keeps the schedule.
     */
    public long windowsBeforeNextRound() {
        return settings.windowsBetweenRounds(buffer.received() - newSinceRound);
    }

    /** Runs one round and the validation gate. */
    public RoundOutcome trainRound(long nowMillis) {
        newSinceRound = 0;
        lastRoundAt = nowMillis;
        // Seeded per round, so a learner restored from a snapshot samples exactly as the original would.
        Random sampling = new Random(config.seed() * 7919 + ++rounds);
        double lossSum = 0;
        int applied = 0;
        for (int s = 0; s < settings.stepsPerRound(); s++) {
            Batch batch = Batch.of(buffer.sample(sampling, settings.batchSize()), config);
            LstmTrainer.TrainStepResult r = trainer.trainStep(batch.inputs, batch.targets, batch.size, batch.window);
            if (r.applied()) {
                lossSum += r.loss();
                applied++;
            }
        }
        float trainLoss = applied == 0 ? Float.NaN : (float) (lossSum / applied);
        Batch holdout = Batch.of(buffer.holdoutWindows(), config);
        float candidateLoss = LossEvaluator.mse(candidate, holdout.inputs, holdout.targets, holdout.size, holdout.window);
        float servingLoss = LossEvaluator.mse(serving, holdout.inputs, holdout.targets, holdout.size, holdout.window);
        if (nowMillis >= 0) {
            // Rest in proportion to the work just done (training and validation), to keep the busy share.
            long busy = Math.max(0, System.currentTimeMillis() - nowMillis);
            restUntil = nowMillis + busy + (long) (busy * (1 / settings.maxBusyShare() - 1));
        }
        String refusal = gate(applied, candidateLoss, servingLoss);
        if (refusal == null) {
            previous = VersionedModel.of(version, serving.weights());
            previousOptimizerState = servingOptimizerState;
            version++;
            published++;
            ModelWeights weights = candidate.weights();
            serving.loadWeights(weights);
            servingOptimizerState = trainer.exportState();
            LOG.info("Published model version {}: validation loss {} (serving was {}), train loss {}",
                    version, candidateLoss, servingLoss, trainLoss);
            return new RoundOutcome(true, version, weights, trainLoss, candidateLoss, servingLoss, applied, null,
                    newestWindowAt, 0);
        }
        rejected++;
        candidate.loadWeights(serving.weights());
        trainer.restoreState(servingOptimizerState);
        LOG.warn("Rejected a candidate after version {}: {}", version, refusal);
        return new RoundOutcome(false, version, null, trainLoss, candidateLoss, servingLoss, applied, refusal,
                newestWindowAt, 0);
    }

    /** The version before the serving one, if a rollback to it is possible. */
    public long previousVersion() {
        return previous == null ? -1 : previous.version();
    }

    /**
     * Publishes the previous version's weights again, as the next version (versions only go
     * forward), and continues training from them.
     */
    public RoundOutcome rollBack(String reason) {
        if (previous == null) {
            throw new IllegalStateException("No previous version to roll back to");
        }
        long restored = previous.version();
        ModelWeights weights = previous.weights(config);
        serving.loadWeights(weights);
        candidate.loadWeights(weights);
        trainer.restoreState(previousOptimizerState);
        servingOptimizerState = previousOptimizerState;
        previous = null;
        previousOptimizerState = null;
        version++;
        published++;
        rollbacks++;
        LOG.warn("Rolled back to the weights of version {} as version {}: {}", restored, version, reason);
        return new RoundOutcome(true, version, weights, Float.NaN, Float.NaN, Float.NaN, 0, reason, newestWindowAt,
                restored);
    }

    public long rollbacks() {
        return rollbacks;
    }

    private String gate(int applied, float candidateLoss, float servingLoss) {
        if (applied == 0) {
            return "no Adam step could be applied (loss or gradient not finite)";
        }
        if (!Float.isFinite(candidateLoss)) {
            return "candidate validation loss is " + candidateLoss;
        }
        if (Float.isFinite(servingLoss) && candidateLoss > servingLoss * (1 + settings.tolerance())) {
            return String.format("candidate validation loss %.5f is worse than serving %.5f by more than %.1f%%",
                    candidateLoss, servingLoss, settings.tolerance() * 100);
        }
        return null;
    }

    public long version() {
        return version;
    }

    public long published() {
        return published;
    }

    public long rejected() {
        return rejected;
    }

    public long refusedWindows() {
        return refusedWindows;
    }

    public int bufferSize() {
        return buffer.size();
    }

    public ModelWeights servingWeights() {
        return serving.weights();
    }

    public LstmConfig config() {
        return config;
    }

    // ---- checkpoint form ---------------------------------------------------------------------------

    /** Everything needed to continue exactly here: weights, optimizer state, buffer, counters. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(SNAPSHOT_FORMAT);
            out.writeLong(version);
            out.writeLong(published);
            out.writeLong(rejected);
            out.writeLong(refusedWindows);
            out.writeLong(newSinceRound);
            out.writeLong(newestWindowAt);
            out.writeLong(rounds);
            writeBytes(out, WeightsCodec.encode(serving.weights()));
            writeBytes(out, WeightsCodec.encode(candidate.weights()));
            writeAdam(out, servingOptimizerState);
            writeAdam(out, trainer.exportState());
            buffer.write(out);
            out.writeLong(rollbacks);
            out.writeBoolean(previous != null);
            if (previous != null) {
                out.writeLong(previous.version());
                writeBytes(out, previous.encoded());
                writeAdam(out, previousOptimizerState);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Restores a {@link #snapshot()} taken from a learner of the same architecture. */
    public void restore(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int format = in.readInt();
            if (format != SNAPSHOT_FORMAT) {
                throw new IOException("Trainer state format " + format + " is not readable by this build ("
                        + SNAPSHOT_FORMAT + ")");
            }
            version = in.readLong();
            published = in.readLong();
            rejected = in.readLong();
            refusedWindows = in.readLong();
            newSinceRound = in.readLong();
            newestWindowAt = in.readLong();
            rounds = in.readLong();
            serving.loadWeights(WeightsCodec.decode(readBytes(in), config));
            candidate.loadWeights(WeightsCodec.decode(readBytes(in), config));
            servingOptimizerState = readAdam(in);
            trainer.restoreState(readAdam(in));
            buffer.read(in);
            rollbacks = in.readLong();
            if (in.readBoolean()) {
                long v = in.readLong();
                previous = new VersionedModel(v, readBytes(in));
                previousOptimizerState = readAdam(in);
            } else {
                previous = null;
                previousOptimizerState = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restore the trainer's state: " + e.getMessage(), e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }

    private static void writeAdam(DataOutputStream out, LstmTrainer.AdamState s) throws IOException {
        out.writeLong(s.steps());
        out.writeLong(s.skippedSteps());
        out.writeInt(s.means().size());
        for (String name : s.means().keySet()) {
            out.writeUTF(name);
            ReplayBuffer.writeFloats(out, s.means().get(name));
            ReplayBuffer.writeFloats(out, s.variances().get(name));
        }
    }

    private static LstmTrainer.AdamState readAdam(DataInputStream in) throws IOException {
        long steps = in.readLong();
        long skipped = in.readLong();
        int n = in.readInt();
        Map<String, float[]> means = new LinkedHashMap<>();
        Map<String, float[]> variances = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            means.put(name, ReplayBuffer.readFloats(in));
            variances.put(name, ReplayBuffer.readFloats(in));
        }
        return new LstmTrainer.AdamState(steps, skipped, means, variances);
    }

    private static boolean finite(float[] a) {
        if (a == null || a.length == 0) {
            return false;
        }
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        trainer.close();
        candidate.close();
        serving.close();
    }

    /** Windows packed into the flat arrays the trainer takes. */
    private record Batch(float[] inputs, float[] targets, int size, int window) {
        static Batch of(List<TrainingWindow> windows, LstmConfig config) {
            int window = windows.get(0).inputs.length / config.features();
            float[] x = new float[windows.size() * window * config.features()];
            float[] y = new float[windows.size() * window * config.horizon()];
            for (int i = 0; i < windows.size(); i++) {
                TrainingWindow w = windows.get(i);
                System.arraycopy(w.inputs, 0, x, i * w.inputs.length, w.inputs.length);
                System.arraycopy(w.targets, 0, y, i * w.targets.length, w.targets.length);
            }
            return new Batch(x, y, windows.size(), window);
        }
    }
}
