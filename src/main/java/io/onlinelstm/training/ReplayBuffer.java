package io.onlinelstm.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Bounded memory of training windows: the newest half of the capacity in arrival order, and a
 * reservoir sample of everything older in the other half, so the model keeps seeing old patterns
 * while it follows new ones. The newest {@code holdout} windows are kept out of training samples
 * and serve as the validation set; while the buffer is young, only its newest quarter, so that a
 * first round on a few windows has most of them to learn from (and at least one to be judged on).
 */
public final class ReplayBuffer {

    /** A young buffer holds out at most 1 / this of its windows. */
    static final int YOUNG_HOLDOUT_DIVISOR = 4;

    private final int recentCapacity;
    private final int reservoirCapacity;
    private final int holdout;
    private final ArrayDeque<TrainingWindow> recent = new ArrayDeque<>();
    private final List<TrainingWindow> reservoir = new ArrayList<>();
    private long evicted;
    private final long seed;

    public ReplayBuffer(int capacity, int holdout, long seed) {
        this.recentCapacity = Math.max(holdout + 1, capacity / 2);
        this.reservoirCapacity = Math.max(0, capacity - recentCapacity);
        this.holdout = holdout;
        this.seed = seed;
    }

    public void add(TrainingWindow w) {
        recent.addLast(w);
        if (recent.size() > recentCapacity) {
            TrainingWindow old = recent.removeFirst();
            evicted++;
            if (reservoir.size() < reservoirCapacity) {
                reservoir.add(old);
            } else if (reservoirCapacity > 0) {
                // Drawn from the eviction count, not a Random's state, so a restored buffer continues identically.
                long j = (long) (new Random(seed ^ (evicted * 0x9E3779B97F4A7C15L)).nextDouble() * evicted);
                if (j < reservoirCapacity) {
                    reservoir.set((int) j, old);
                }
            }
        }
    }

    public int size() {
        return recent.size() + reservoir.size();
    }

    /** Every window ever added, evicted ones included: the age of what the model learns from. */
    public long received() {
        return recent.size() + evicted;
    }

    /** How many of the newest windows are held out now: the holdout, or a quarter of a young buffer. */
    public int heldOut() {
        return Math.min(recent.size(), Math.min(holdout, Math.max(1, size() / YOUNG_HOLDOUT_DIVISOR)));
    }

    /** Windows that may be sampled for training (all but the holdout). */
    public int trainable() {
        return Math.max(0, size() - heldOut());
    }

    /** The newest windows, up to the holdout size, newest last. */
    public List<TrainingWindow> holdoutWindows() {
        int n = heldOut();
        List<TrainingWindow> out = new ArrayList<>(n);
        Iterator<TrainingWindow> it = recent.descendingIterator();
        for (int i = 0; i < n; i++) {
            out.add(it.next());
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** {@code n} windows drawn with replacement from the trainable ones. */
    public List<TrainingWindow> sample(Random random, int n) {
        int recentTrainable = recent.size() - heldOut();
        int total = recentTrainable + reservoir.size();
        if (total == 0) {
            return List.of();
        }
        // ArrayDeque has no index access: copy the trainable part once per call.
        List<TrainingWindow> recentList = new ArrayList<>(recentTrainable);
        Iterator<TrainingWindow> it = recent.iterator();
        for (int i = 0; i < recentTrainable; i++) {
            recentList.add(it.next());
        }
        List<TrainingWindow> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int j = random.nextInt(total);
            out.add(j < recentTrainable ? recentList.get(j) : reservoir.get(j - recentTrainable));
        }
        return out;
    }

    // ---- checkpoint form -------------------------------------------------------------------------

    public void write(DataOutputStream out) throws IOException {
        out.writeLong(evicted);
        writeWindows(out, new ArrayList<>(recent));
        writeWindows(out, reservoir);
    }

    public void read(DataInputStream in) throws IOException {
        recent.clear();
        reservoir.clear();
        evicted = in.readLong();
        recent.addAll(readWindows(in));
        reservoir.addAll(readWindows(in));
    }

    private static void writeWindows(DataOutputStream out, List<TrainingWindow> windows) throws IOException {
        out.writeInt(windows.size());
        for (TrainingWindow w : windows) {
            out.writeUTF(w.key);
            out.writeLong(w.ts);
            out.writeLong(w.createdAt);
            writeFloats(out, w.inputs);
            writeFloats(out, w.targets);
        }
    }

    private static List<TrainingWindow> readWindows(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<TrainingWindow> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String key = in.readUTF();
            long ts = in.readLong();
            long createdAt = in.readLong();
            list.add(new TrainingWindow(key, readFloats(in), readFloats(in), ts, createdAt));
        }
        return list;
    }

    static void writeFloats(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float v : a) {
            out.writeFloat(v);
        }
    }

    static float[] readFloats(DataInputStream in) throws IOException {
        float[] a = new float[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }
}
