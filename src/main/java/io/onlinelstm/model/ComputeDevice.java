package io.onlinelstm.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the network runs: {@code auto} (the first GPU when DJL finds one, else the CPU), {@code
 * cpu}, or {@code gpu:N}. Parsed from text so it can come from the command line or Flink config.
 */
public final class ComputeDevice implements Serializable {

    private static final long serialVersionUID = 1L;

    private enum Kind {
        AUTO,
        CPU,
        GPU
    }

    public static final ComputeDevice AUTO = new ComputeDevice(Kind.AUTO, -1);
    public static final ComputeDevice CPU = new ComputeDevice(Kind.CPU, -1);

    private final Kind kind;
    private final int gpuIndex;

    private ComputeDevice(Kind kind, int gpuIndex) {
        this.kind = kind;
        this.gpuIndex = gpuIndex;
    }

    public static ComputeDevice gpu(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("GPU index must be >= 0, got " + index);
        }
        return new ComputeDevice(Kind.GPU, index);
    }

    /** Parses {@code auto}, {@code cpu}, {@code gpu} (same as gpu:0) or {@code gpu:N}. */
    public static ComputeDevice parse(String text) {
        String s = Objects.requireNonNull(text, "device").trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return AUTO;
        }
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("gpu")) {
            return gpu(0);
        }
        if (s.startsWith("gpu:")) {
            try {
                return gpu(Integer.parseInt(s.substring(4)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException(
                "Unknown device '" + text + "': use auto, cpu, or gpu:N (for example gpu:0)");
    }

    public boolean isAuto() {
        return kind == Kind.AUTO;
    }

    /**
     * The DJL device for this choice. Loads the engine if needed.
     *
     * @throws IllegalStateException when a GPU is named that DJL cannot see
     */
    public Device resolve() {
        DjlRuntime.ensureLoaded();
        int gpus = Engine.getInstance().getGpuCount();
        switch (kind) {
            case CPU:
                return Device.cpu();
            case AUTO:
                return gpus > 0 ? Device.gpu(0) : Device.cpu();
            default:
                if (gpuIndex >= gpus) {
                    throw new IllegalStateException(
                            "Device gpu:" + gpuIndex + " was requested but DJL sees " + gpus
                                    + " GPU(s). Use --model.device auto or cpu, or install the CUDA build of"
                                    + " the PyTorch natives (pytorch-native-cu*) on this machine.");
                }
                return Device.gpu(gpuIndex);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComputeDevice
                && ((ComputeDevice) o).kind == kind
                && ((ComputeDevice) o).gpuIndex == gpuIndex;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, gpuIndex);
    }

    @Override
    public String toString() {
        return kind == Kind.GPU ? "gpu:" + gpuIndex : kind.name().toLowerCase(Locale.ROOT);
    }
}
