package io.onlinelstm.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads DJL's PyTorch engine offline, once per JVM, and prepares each calling thread.
 *
 * <p>Natives come from the pytorch-native jar on the classpath and are unpacked into a cache
 * folder; DJL is never allowed to download. PyTorch's grad mode and thread count are per thread,
 * so every thread that runs the network calls {@link #prepareThread()} (the model does it for
 * you).
 */
public final class DjlRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(DjlRuntime.class);

    public static final String ENGINE = "PyTorch";
    /** System property or environment variable naming DJL's cache folder. */
    public static final String CACHE_DIR_PROPERTY = "DJL_CACHE_DIR";
    /** Intra-op threads per task thread; one per task is fastest when tasks fill the cores. */
    public static final String THREADS_PROPERTY = "online-lstm.torch.threads";

    private static final ThreadLocal<Boolean> PREPARED = ThreadLocal.withInitial(() -> false);
    private static volatile boolean loaded;
    /** Set when {@link LstmKernelCheck} failed: every later caller gets the same refusal. */
    private static volatile WrongLstmResultsException wrongKernel;

    private DjlRuntime() {}

    /**
     * Loads the engine and checks its LSTM against the equations ({@link LstmKernelCheck}), or throws
     * {@link NativeLibraryUnavailableException} or {@link WrongLstmResultsException} saying why not.
     */
    public static synchronized void ensureLoaded() {
        if (wrongKernel != null) {
            throw wrongKernel;
        }
        if (loaded) {
            return;
        }
        String cacheDir = configureProperties();
        try {
            Engine engine = Engine.getEngine(ENGINE);
            LOG.info(
                    "DJL {} engine {} loaded (cache {}, GPUs visible: {})",
                    engine.getEngineName(),
                    engine.getVersion(),
                    cacheDir,
                    engine.getGpuCount());
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new NativeLibraryUnavailableException(
                    "Could not load the PyTorch native library through DJL: " + rootMessage(e)
                            + ". Check that (1) pytorch-native-cpu-2.7.1-linux-x86_64.jar (or a CUDA"
                            + " build) and pytorch-jni-2.7.1-0.36.0.jar are on the classpath - on a Flink"
                            + " cluster they belong in lib/ with classloader.parent-first-patterns.additional:"
                            + " ai.djl. - (2) the cache folder " + cacheDir
                            + " is writable with about 500 MB free (set DJL_CACHE_DIR to move it), and (3)"
                            + " this machine is linux-x86_64. DJL runs offline and never downloads natives.",
                    e);
        }
        loaded = true;
        // The check builds a model, which calls back in here: loaded is already true by then.
        try {
            LstmKernelCheck.verify();
            LOG.debug("PyTorch's LSTM matches the LSTM equations on this CPU ({}={})", LstmKernelCheck.ISA_VARIABLE,
                    System.getenv(LstmKernelCheck.ISA_VARIABLE));
        } catch (WrongLstmResultsException e) {
            wrongKernel = e;
            LOG.error(e.getMessage());
            throw e;
        }
    }

    /**
     * Turns gradients off and sets PyTorch's intra-op thread count for the calling thread. Cheap
     * after the first call on a thread.
     */
    public static void prepareThread() {
        if (PREPARED.get()) {
            return;
        }
        ensureLoaded();
        JniUtils.setGradMode(false);
        JniUtils.setNumThreads(Integer.getInteger(THREADS_PROPERTY, 1));
        PREPARED.set(true);
    }

    private static String configureProperties() {
        // Offline unless the user explicitly said otherwise: a job must never fetch natives at run time.
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty(
                    "ai.djl.pytorch.num_threads", String.valueOf(Integer.getInteger(THREADS_PROPERTY, 1)));
        }
        if (System.getProperty("ai.djl.pytorch.graph_optimizer") == null) {
            System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        }
        String configured = System.getProperty(CACHE_DIR_PROPERTY, System.getenv(CACHE_DIR_PROPERTY));
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path dir = defaultCacheDir();
        System.setProperty(CACHE_DIR_PROPERTY, dir.toString());
        return dir.toString();
    }

    /** ~/.cache/online-lstm/djl when the home folder is writable, else a folder under java.io.tmpdir. */
    static Path defaultCacheDir() {
        Path home = Paths.get(System.getProperty("user.home", "."), ".cache", "online-lstm", "djl");
        try {
            Files.createDirectories(home);
            if (Files.isWritable(home)) {
                return home;
            }
        } catch (IOException | SecurityException e) {
            LOG.debug("Home cache folder {} not usable: {}", home, e.toString());
        }
        return Paths.get(System.getProperty("java.io.tmpdir"), "online-lstm-djl");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (caused by " + t + ")";
    }
}
