package io.onlinelstm.training;

import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.model.CorruptModelException;
import io.onlinelstm.model.WeightsCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Published models in a folder reachable through Flink's FileSystem (file://, s3://, hdfs://):
 * {@code model-00000042.olstm} (the encoded weights) and {@code model-00000042.json} (version,
 * config, checksum, training statistics). Files are written under a temporary name and renamed,
 * so a reader never sees half a model.
 */
public final class ModelStore {

    private static final Pattern WEIGHTS_FILE = Pattern.compile("model-(\\d{8})\\.olstm");

    private final Path dir;

    public ModelStore(String uri) {
        this.dir = new Path(uri);
    }

    public String uri() {
        return dir.toString();
    }

    /** Writes a version and its metadata; returns the weights' URI. */
    public String write(VersionedModel model, ModelUpdate metadata) {
        try {
            FileSystem fs = dir.getFileSystem();
            fs.mkdirs(dir);
            String name = String.format("model-%08d", model.version());
            Path weights = new Path(dir, name + ".olstm");
            writeAtomically(fs, weights, model.encoded());
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("version", model.version());
            meta.put("checksum", model.checksum());
            meta.put("config", Map.of("features", metadata.features, "hiddenSize", metadata.hiddenSize,
                    "layers", metadata.layers, "horizon", metadata.horizon));
            meta.put("trainLoss", metadata.trainLoss);
            meta.put("candidateLoss", metadata.candidateLoss);
            meta.put("servingLoss", metadata.servingLoss);
            meta.put("publishedAt", metadata.publishedAt);
            writeAtomically(fs, new Path(dir, name + ".json"), JsonCodec.toBytes(meta));
            return weights.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write model version " + model.version() + " to " + dir
                    + ": " + e.getMessage() + ". Check that the model store is writable.", e);
        }
    }

    /** The newest version in the store, if any. */
    public Optional<VersionedModel> latest() {
        try {
            FileSystem fs = dir.getFileSystem();
            if (!fs.exists(dir)) {
                return Optional.empty();
            }
            long best = -1;
            Path bestPath = null;
            FileStatus[] files = fs.listStatus(dir);
            for (FileStatus f : files == null ? new FileStatus[0] : files) {
                Matcher m = WEIGHTS_FILE.matcher(f.getPath().getName());
                if (m.matches() && Long.parseLong(m.group(1)) > best) {
                    best = Long.parseLong(m.group(1));
                    bestPath = f.getPath();
                }
            }
            return bestPath == null ? Optional.empty() : Optional.of(new VersionedModel(best, readBytes(bestPath)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the model store " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads the weights at {@code uri} and checks them against {@code checksum} (if given). */
    public static byte[] read(String uri, String checksum) {
        try {
            byte[] bytes = readBytes(new Path(uri));
            if (checksum != null && !checksum.equals(WeightsCodec.checksum(bytes))) {
                throw new CorruptModelException("Model at " + uri + " does not match its announced checksum " + checksum);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model " + uri + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readBytes(Path path) throws IOException {
        try (InputStream in = path.getFileSystem().open(path)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static void writeAtomically(FileSystem fs, Path target, byte[] bytes) throws IOException {
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".inprogress");
        try (FSDataOutputStream out = fs.create(tmp, FileSystem.WriteMode.OVERWRITE)) {
            ((OutputStream) out).write(bytes);
            out.sync();
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("rename of " + tmp + " to " + target + " failed");
        }
    }
}
