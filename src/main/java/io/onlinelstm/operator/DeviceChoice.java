package io.onlinelstm.operator;

import io.onlinelstm.model.ComputeDevice;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the GPU Flink assigned to this task (the {@code gpu} external resource and its {@code
 * index}) to a DJL device. With {@code model.device=auto} a task that got a GPU runs on it; one
 * without runs on the CPU, saying so once in the log. An explicit cpu or gpu:N is kept.
 */
final class DeviceChoice {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceChoice.class);
    static final String RESOURCE = "gpu";

    private DeviceChoice() {}

    static ComputeDevice resolve(ComputeDevice configured, Set<ExternalResourceInfo> gpus, String task) {
        if (!configured.isAuto()) {
            return configured;
        }
        for (ExternalResourceInfo gpu : gpus) {
            Optional<String> index = gpu.getProperty("index");
            if (index.isPresent()) {
                try {
                    ComputeDevice device = ComputeDevice.gpu(Integer.parseInt(index.get().trim()));
                    LOG.info("{} runs on {} (Flink external resource '{}')", task, device, RESOURCE);
                    return device;
                } catch (NumberFormatException e) {
                    LOG.warn("{}: GPU index '{}' from Flink is not a number; ignoring it", task, index.get());
                }
            }
        }
        LOG.info("{} got no GPU from Flink (external resource '{}'); it runs on the CPU unless DJL finds one", task, RESOURCE);
        return ComputeDevice.AUTO;
    }
}
