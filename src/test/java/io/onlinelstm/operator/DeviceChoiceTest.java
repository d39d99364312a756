package io.onlinelstm.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onlinelstm.model.ComputeDevice;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {

    private static ExternalResourceInfo gpu(String index) {
        Map<String, String> props = Map.of("index", index);
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return Optional.ofNullable(props.get(key));
            }

            @Override
            public Collection<String> getKeys() {
                return props.keySet();
            }
        };
    }

    @Test
    void autoTakesTheGpuFlinkAssigned() {
        assertEquals(ComputeDevice.gpu(3), DeviceChoice.resolve(ComputeDevice.AUTO, Set.of(gpu("3")), "t"));
    }

    @Test
    void autoWithoutAGpuStaysAutoAndExplicitChoicesAreKept() {
        assertEquals(ComputeDevice.AUTO, DeviceChoice.resolve(ComputeDevice.AUTO, Set.of(), "t"));
        assertEquals(ComputeDevice.CPU, DeviceChoice.resolve(ComputeDevice.CPU, Set.of(gpu("0")), "t"));
        assertEquals(ComputeDevice.gpu(1), DeviceChoice.resolve(ComputeDevice.gpu(1), Set.of(gpu("0")), "t"));
        assertEquals(ComputeDevice.AUTO, DeviceChoice.resolve(ComputeDevice.AUTO, Set.of(gpu("x")), "t"));
    }
}
