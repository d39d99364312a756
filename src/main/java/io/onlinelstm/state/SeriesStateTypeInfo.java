package io.onlinelstm.state;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Explicit type information for {@link SeriesState}, so Flink never falls back to Kryo. */
public final class SeriesStateTypeInfo extends TypeInformation<SeriesState> {

    private static final long serialVersionUID = 1L;

    public static final SeriesStateTypeInfo INSTANCE = new SeriesStateTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<SeriesState> getTypeClass() {
        return SeriesState.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<SeriesState> createSerializer(SerializerConfig config) {
        return SeriesStateSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "SeriesState";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SeriesStateTypeInfo;
    }

    @Override
    public int hashCode() {
        return SeriesStateTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof SeriesStateTypeInfo;
    }
}
