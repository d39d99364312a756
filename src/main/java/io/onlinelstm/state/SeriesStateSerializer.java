package io.onlinelstm.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link SeriesState}. Every record starts with a format byte, so old
 * checkpoints and savepoints stay readable as the layout grows, and a record is upgraded the first
 * time it is written again:
 * <ul>
 *   <li>format 1 (up to this release's predecessor): one flat list of fields, read into the parts;
 *   <li>format 2: the parts one after another, each behind its own layout byte, so one part can
 *       change its layout without touching the others;
 *   <li>format 3: format 2 plus a fourth part, the combine stage's (online autoregression and
 *       combination weights), behind its layout byte and a presence flag (absent when combining is
 *       off). Records of formats 1 and 2 are read with no combine part: the stage starts it afresh.
 * </ul>
 * Arrays go as one block of bytes each rather than value by value.
 */
public final class SeriesStateSerializer extends TypeSerializerSingleton<SeriesState> {

    private static final long serialVersionUID = 1L;

    public static final SeriesStateSerializer INSTANCE = new SeriesStateSerializer();

    /** Format written by {@link #serialize}. */
    static final int FORMAT_VERSION = 3;
    /** The three-part format of the previous release, still read. */
    static final int THREE_PART_FORMAT = 2;
    /** The flat format of earlier releases, still read. */
    static final int FLAT_FORMAT = 1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public SeriesState createInstance() {
        return new SeriesState();
    }

    @Override
    public SeriesState copy(SeriesState from) {
        return from.copy();
    }

    @Override
    public SeriesState copy(SeriesState from, SeriesState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SeriesState s, DataOutputView out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        writeStep(s.step, out);
        writeWindow(s.window, out);
        writeAnomaly(s.anomaly, out);
        writeCombine(s.combine, out);
    }

    @Override
    public SeriesState deserialize(DataInputView in) throws IOException {
        int format = in.readByte();
        if (format == FLAT_FORMAT) {
            return readFlat(in);
        }
        if (format != FORMAT_VERSION && format != THREE_PART_FORMAT) {
            throw new IOException("Series state written in format " + format + "; this build reads formats "
                    + FLAT_FORMAT + " to " + FORMAT_VERSION
                    + ". Restore with the release that wrote the checkpoint or savepoint, or a newer one.");
        }
        SeriesState s = new SeriesState(readStep(in), readWindow(in), readAnomaly(in));
        if (format == FORMAT_VERSION) {
            s.combine = readCombine(in);
        }
        return s;
    }

    @Override
    public SeriesState deserialize(SeriesState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    /** Serialized bytes of each part of {@code s} (plus the format byte under "format"). */
    public static Map<String, Integer> bytesByPart(SeriesState s) throws IOException {
        Map<String, Integer> bytes = new LinkedHashMap<>();
        DataOutputSerializer out = new DataOutputSerializer(4096);
        bytes.put("format", 1);
        writeStep(s.step, out);
        bytes.put("step", out.length());
        out.clear();
        writeWindow(s.window, out);
        bytes.put("window", out.length());
        out.clear();
        writeAnomaly(s.anomaly, out);
        bytes.put("anomaly", out.length());
        out.clear();
        writeCombine(s.combine, out);
        bytes.put("combine", out.length());
        return bytes;
    }

    // ---- parts, formats 2 and 3 --------------------------------------------------------------------

    private static void writeStep(StepState s, DataOutputView out) throws IOException {
        out.writeByte(StepState.LAYOUT);
        writeShorts(s.h, out);
        writeShorts(s.c, out);
        out.writeLong(s.count);
        writeDoubles(s.mean, out);
        writeDoubles(s.m2, out);
        out.writeDouble(s.changeSumSquares);
        out.writeDouble(s.lastValue);
        out.writeLong(s.lastTs);
        writeFloats(s.lastForecast, out);
        out.writeLong(s.lastForecastVersion);
    }

    private static StepState readStep(DataInputView in) throws IOException {
        int layout = in.readByte();
        if (layout != 1) {
            expectLayout("step", StepState.LAYOUT, layout);
        }
        StepState s = new StepState();
        // Layout 1 kept h and c in floats: rounded to halves, as the next step would store them.
        s.h = layout == 1 ? HalfFloat.fromFloats(readFloats(in)) : readShorts(in);
        s.c = layout == 1 ? HalfFloat.fromFloats(readFloats(in)) : readShorts(in);
        s.count = in.readLong();
        s.mean = readDoubles(in);
        s.m2 = readDoubles(in);
        s.changeSumSquares = in.readDouble();
        s.lastValue = in.readDouble();
        s.lastTs = in.readLong();
        s.lastForecast = readFloats(in);
        s.lastForecastVersion = in.readLong();
        return s;
    }

    private static void writeWindow(WindowRing r, DataOutputView out) throws IOException {
        out.writeByte(WindowRing.LAYOUT);
        writeFloats(r.entries, out);
        out.writeInt(r.next);
        out.writeInt(r.fill);
        out.writeInt(r.hold);
    }

    private static WindowRing readWindow(DataInputView in) throws IOException {
        expectLayout("window", WindowRing.LAYOUT, in.readByte());
        WindowRing r = new WindowRing();
        r.entries = readFloats(in);
        r.next = in.readInt();
        r.fill = in.readInt();
        r.hold = in.readInt();
        return r;
    }

    private static void writeAnomaly(AnomalyState a, DataOutputView out) throws IOException {
        out.writeByte(AnomalyState.LAYOUT);
        writeLikelihood(a.residual, out);
        writeLikelihood(a.season, out);
        writeLikelihood(a.spike, out);
        writeFloats(a.seasonProfile, out);
        out.writeLong(a.valueCount);
        out.writeLong(a.firstTs);
        out.writeDouble(a.minValue);
        out.writeDouble(a.maxValue);
        out.writeDouble(a.lastValue);
        out.writeInt(a.flatRun);
        out.writeInt(a.longestFlatRun);
        out.writeFloat(a.echoPeak);
        out.writeInt(a.echoAge);
        out.writeLong(a.lastAlertTs);
        out.writeLong(a.openSinceTs);
        writeShorts(a.weekOffsets, out);
        out.writeFloat(a.weekStep);
        // The escalating filter's red runs and held-back peak: the residual's; the spike's red run
        // (its window of one reading never holds a peak back); the season's filter keeps neither.
        out.writeByte(a.residual.redRun);
        out.writeFloat(a.residual.peak);
        out.writeByte(a.spike.redRun);
        out.writeBoolean(a.flatAtFloor);
    }

    private static AnomalyState readAnomaly(DataInputView in) throws IOException {
        int layout = in.readByte();
        if (layout == 1) {
            return readAnomalyLayout1(in);
        }
        if (layout < 2 || layout > 4) {
            expectLayout("anomaly", AnomalyState.LAYOUT, layout);
        }
        AnomalyState a = new AnomalyState();
        a.residual = readLikelihood(in);
        a.season = readLikelihood(in);
        a.spike = readLikelihood(in);
        a.seasonProfile = readFloats(in);
        a.valueCount = in.readLong();
        a.firstTs = in.readLong();
        a.minValue = in.readDouble();
        a.maxValue = in.readDouble();
        a.lastValue = in.readDouble();
        a.flatRun = in.readInt();
        a.longestFlatRun = in.readInt();
        // Layout 2 had no echo filter: it starts with no red stretch behind it.
        if (layout >= 3) {
            a.echoPeak = in.readFloat();
            a.echoAge = in.readInt();
        }
        a.lastAlertTs = in.readLong();
        a.openSinceTs = in.readLong();
        // Layout 3 had no week profile: the season part learns it again from the next reading on.
        if (layout >= 4) {
            a.weekOffsets = readShorts(in);
            a.weekStep = in.readFloat();
        }
        // Layout 4 had no red runs and no floor runs: a stretch in progress counts its red readings
        // from the restore on (it escalates a little later, nothing held back), and a run in
        // progress is judged as a run above the floor.
        if (layout >= 5) {
            a.residual.redRun = in.readByte();
            a.residual.peak = in.readFloat();
            a.spike.redRun = in.readByte();
            a.flatAtFloor = in.readBoolean();
        }
        return a;
    }

    /**
     * Layout 1 (one residual statistic of an earlier detector): only the last alert's time carries
     * over; the detector learns the series again, through its warm-up, as a new series would.
     */
    private static AnomalyState readAnomalyLayout1(DataInputView in) throws IOException {
        AnomalyState a = new AnomalyState();
        in.readLong();
        in.readDouble();
        in.readDouble();
        readFloats(in);
        in.readInt();
        a.lastAlertTs = in.readLong();
        return a;
    }

    private static void writeLikelihood(LikelihoodState l, DataOutputView out) throws IOException {
        out.writeLong(l.count);
        out.writeDouble(l.mean);
        out.writeDouble(l.variance);
        writeFloats(l.recent, out);
        out.writeInt(l.next);
        out.writeInt(l.filled);
        out.writeFloat(l.last);
    }

    private static LikelihoodState readLikelihood(DataInputView in) throws IOException {
        LikelihoodState l = new LikelihoodState();
        l.count = in.readLong();
        l.mean = in.readDouble();
        l.variance = in.readDouble();
        l.recent = readFloats(in);
        l.next = in.readInt();
        l.filled = in.readInt();
        l.last = in.readFloat();
        return l;
    }

    /**
     * Layout 1 kept the covariance's upper triangle in floats: factored into U-D (its U rounded to
     * halves). A triangle that is not positive definite (it never should be) restarts from the prior,
     * as the update itself would on meeting one; the coefficients are kept either way.
     */
    private static void upgradeCovariance(CombineState c, float[] triangle) {
        int n = c.arWeights.length;
        double[] d = new double[n];
        double[] u = new double[UdFactors.strictSize(n)];
        c.arCovarianceD = new float[n];
        c.arCovarianceU = new short[u.length];
        if (UdFactors.factor(triangle, n, d, u)) {
            for (int i = 0; i < n; i++) {
                c.arCovarianceD[i] = (float) d[i];
            }
            for (int k = 0; k < u.length; k++) {
                c.arCovarianceU[k] = HalfFloat.fromFloat((float) u[k]);
            }
        } else {
            java.util.Arrays.fill(c.arCovarianceD, CombineState.PRIOR_VARIANCE);
        }
    }

    private static void writeCombine(CombineState c, DataOutputView out) throws IOException {
        out.writeByte(CombineState.LAYOUT);
        out.writeBoolean(c != null);
        if (c == null) {
            return;
        }
        writeFloats(c.arInputs, out);
        writeFloats(c.arWeights, out);
        writeFloats(c.arCovarianceD, out);
        writeShorts(c.arCovarianceU, out);
        out.writeFloat(c.arResidualVariance);
        out.writeInt(c.arUpdates);
        writeFloats(c.losses, out);
        out.writeFloat(c.residualSquares);
        out.writeFloat(c.scored);
        out.writeFloat(c.lastAr);
        out.writeFloat(c.lastCombined);
    }

    private static CombineState readCombine(DataInputView in) throws IOException {
        int layout = in.readByte();
        if (layout != 1) {
            expectLayout("combine", CombineState.LAYOUT, layout);
        }
        if (!in.readBoolean()) {
            return null;
        }
        CombineState c = new CombineState();
        c.arInputs = readFloats(in);
        c.arWeights = readFloats(in);
        if (layout == 1) {
            upgradeCovariance(c, readFloats(in));
        } else {
            c.arCovarianceD = readFloats(in);
            c.arCovarianceU = readShorts(in);
        }
        c.arResidualVariance = in.readFloat();
        c.arUpdates = in.readInt();
        c.losses = readFloats(in);
        c.residualSquares = in.readFloat();
        c.scored = in.readFloat();
        c.lastAr = in.readFloat();
        c.lastCombined = in.readFloat();
        return c;
    }

    private static void expectLayout(String part, int expected, int found) throws IOException {
        // The one place a part's next layout change adds a branch that reads the old layout.
        if (found != expected) {
            throw new IOException("The " + part + " part of a series state has layout " + found + "; this build reads "
                    + expected + ". Restore with the release that wrote the checkpoint or savepoint, or a newer one.");
        }
    }

    /** Format 1: the flat field list of earlier releases, in its order. */
    private static SeriesState readFlat(DataInputView in) throws IOException {
        StepState step = new StepState();
        WindowRing window = new WindowRing();
        AnomalyState anomaly;
        step.h = HalfFloat.fromFloats(readFloats(in));
        step.c = HalfFloat.fromFloats(readFloats(in));
        step.count = in.readLong();
        step.mean = readDoubles(in);
        step.m2 = readDoubles(in);
        step.changeSumSquares = in.readDouble();
        step.lastValue = in.readDouble();
        step.lastTs = in.readLong();
        step.lastForecast = readFloats(in);
        step.lastForecastVersion = in.readLong();
        window.entries = readFloats(in);
        window.next = in.readInt();
        window.fill = in.readInt();
        // The detector of that release kept other statistics: only the last alert's time carries over.
        anomaly = readAnomalyLayout1(in);
        window.hold = in.readInt();
        return new SeriesState(step, window, anomaly);
    }

    // ---- arrays -----------------------------------------------------------------------------

    private static void writeFloats(float[] a, DataOutputView out) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        ByteBuffer bytes = ByteBuffer.allocate(a.length * Float.BYTES);
        bytes.asFloatBuffer().put(a);
        out.write(bytes.array());
    }

    private static float[] readFloats(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] bytes = new byte[n * Float.BYTES];
        in.readFully(bytes);
        float[] a = new float[n];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(a);
        return a;
    }

    private static void writeShorts(short[] a, DataOutputView out) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        ByteBuffer bytes = ByteBuffer.allocate(a.length * Short.BYTES);
        bytes.asShortBuffer().put(a);
        out.write(bytes.array());
    }

    private static short[] readShorts(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] bytes = new byte[n * Short.BYTES];
        in.readFully(bytes);
        short[] a = new short[n];
        ByteBuffer.wrap(bytes).asShortBuffer().get(a);
        return a;
    }

    private static void writeDoubles(double[] a, DataOutputView out) throws IOException {
        out.writeInt(a.length);
        ByteBuffer bytes = ByteBuffer.allocate(a.length * Double.BYTES);
        bytes.asDoubleBuffer().put(a);
        out.write(bytes.array());
    }

    private static double[] readDoubles(DataInputView in) throws IOException {
        int n = in.readInt();
        byte[] bytes = new byte[n * Double.BYTES];
        in.readFully(bytes);
        double[] a = new double[n];
        ByteBuffer.wrap(bytes).asDoubleBuffer().get(a);
        return a;
    }

    @Override
    public TypeSerializerSnapshot<SeriesState> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Snapshot for savepoint compatibility; the layout is versioned inside each record. Savepoints
     * name this class: keep its name.
     */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeriesState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Serialization keeps the singleton. */
    private Object readResolve() {
        return INSTANCE;
    }
}
