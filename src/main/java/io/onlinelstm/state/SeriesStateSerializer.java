package io.onlinelstm.state;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link SeriesState}: length-prefixed arrays behind a format version, so the
 * layout can grow without breaking savepoints, and no Kryo anywhere.
 */
public final class SeriesStateSerializer extends TypeSerializerSingleton<SeriesState> {

    private static final long serialVersionUID = 1L;

    public static final SeriesStateSerializer INSTANCE = new SeriesStateSerializer();

    /** Version of the binary layout written by {@link #serialize}. */
    static final int FORMAT_VERSION = 1;

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
        SeriesState s = new SeriesState();
        s.h = from.h == null ? null : from.h.clone();
        s.c = from.c == null ? null : from.c.clone();
        s.count = from.count;
        s.mean = from.mean == null ? null : from.mean.clone();
        s.m2 = from.m2 == null ? null : from.m2.clone();
        s.changeSumSquares = from.changeSumSquares;
        s.lastValue = from.lastValue;
        s.lastTs = from.lastTs;
        s.lastForecast = from.lastForecast == null ? null : from.lastForecast.clone();
        s.lastForecastVersion = from.lastForecastVersion;
        s.window = from.window == null ? null : from.window.clone();
        s.windowNext = from.windowNext;
        s.windowFill = from.windowFill;
        s.errorCount = from.errorCount;
        s.errorMean = from.errorMean;
        s.errorVariance = from.errorVariance;
        s.recentErrors = from.recentErrors == null ? null : from.recentErrors.clone();
        s.recentErrorsNext = from.recentErrorsNext;
        s.lastAlertTs = from.lastAlertTs;
        s.anomalyHold = from.anomalyHold;
        return s;
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
        writeFloats(s.h, out);
        writeFloats(s.c, out);
        out.writeLong(s.count);
        writeDoubles(s.mean, out);
        writeDoubles(s.m2, out);
        out.writeDouble(s.changeSumSquares);
        out.writeDouble(s.lastValue);
        out.writeLong(s.lastTs);
        writeFloats(s.lastForecast, out);
        out.writeLong(s.lastForecastVersion);
        writeFloats(s.window, out);
        out.writeInt(s.windowNext);
        out.writeInt(s.windowFill);
        out.writeLong(s.errorCount);
        out.writeDouble(s.errorMean);
        out.writeDouble(s.errorVariance);
        writeFloats(s.recentErrors, out);
        out.writeInt(s.recentErrorsNext);
        out.writeLong(s.lastAlertTs);
        out.writeInt(s.anomalyHold);
    }

    @Override
    public SeriesState deserialize(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IOException("Series state written in format " + version + "; this build reads "
                    + FORMAT_VERSION + ". Restore with the release that wrote the checkpoint or savepoint.");
        }
        SeriesState s = new SeriesState();
        s.h = readFloats(in);
        s.c = readFloats(in);
        s.count = in.readLong();
        s.mean = readDoubles(in);
        s.m2 = readDoubles(in);
        s.changeSumSquares = in.readDouble();
        s.lastValue = in.readDouble();
        s.lastTs = in.readLong();
        s.lastForecast = readFloats(in);
        s.lastForecastVersion = in.readLong();
        s.window = readFloats(in);
        s.windowNext = in.readInt();
        s.windowFill = in.readInt();
        s.errorCount = in.readLong();
        s.errorMean = in.readDouble();
        s.errorVariance = in.readDouble();
        s.recentErrors = readFloats(in);
        s.recentErrorsNext = in.readInt();
        s.lastAlertTs = in.readLong();
        s.anomalyHold = in.readInt();
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

    private static void writeFloats(float[] a, DataOutputView out) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        for (float v : a) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    private static void writeDoubles(double[] a, DataOutputView out) throws IOException {
        out.writeInt(a.length);
        for (double v : a) {
            out.writeDouble(v);
        }
    }

    private static double[] readDoubles(DataInputView in) throws IOException {
        int n = in.readInt();
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }

    @Override
    public TypeSerializerSnapshot<SeriesState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot for savepoint compatibility; the layout is versioned inside each record. */
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
