package io.onlinelstm.training;

import io.onlinelstm.io.JsonCodec;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.model.CorruptModelException;
import io.onlinelstm.model.WeightsCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Published models in a folder reachable through Flink's FileSystem (file://, s3://, hdfs://).
 *
 * <p>Layout, per version: {@code model-00000042-<16 hex>.olstm} (the encoded weights; the hex is
 * the start of their SHA-256), {@code model-00000042-<16 hex>.json} (version, config, checksum,
 * training statistics) and, once the version is published for good, the commit marker
 * {@code model-00000042-<16 hex>.committed}.
 *
 * <p>The contract:
 * <ul>
 *   <li>Files are written under a temporary name and renamed, so a reader never sees half a file,
 *       and no file is ever replaced: writing a name that exists succeeds only when the bytes are
 *       the same.</li>
 *   <li>A version counts only once committed (the trainer commits it when the checkpoint that
 *       carries its announcement completes). At most one commit marker per version number: a
 *       committed number never names two sets of weights. Weights written but never committed (the
 *       trainer failed before the checkpoint) may be written again for the same number with other
 *       weights; the checksum in the name keeps the two apart.</li>
 *   <li>{@code model-00000042.olstm} files without a checksum in the name, written by releases
 *       before commit markers, count as committed: those releases only had published versions.</li>
 * </ul>
 *
 * <p>One writer per store: the check for an existing marker and the rename that follows are not
 * one atomic step, which is why every job gets its own store by default.
 */
public final class ModelStore {

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
    private static final Pattern FILE = Pattern.compile("model-(\\d{8,})-([0-9a-f]{16})\\.(olstm|json|committed)");
    private static final Pattern LEGACY_WEIGHTS = Pattern.compile("model-(\\d{8,})\\.olstm");
    private static final Pattern LEGACY_FILE = Pattern.compile("model-(\\d{8,})\\.(olstm|json)");
    private static final Pattern IN_PROGRESS = Pattern.compile("\\.model-(\\d{8,})-[0-9a-f]{16}\\.[a-z]+\\.inprogress");

    /**
     * A committed version in the store.
     *
     * @param checksum the full SHA-256 of the weights; null for a legacy file (its name carries none)
     * @param committedAt when it was committed (for a legacy file: when the file was last modified), epoch ms
     */
    public record StoredVersion(long version, String checksum, String uri, long committedAt, boolean legacy) {

        /** Reads the weights, checked against the committed checksum. */
        public VersionedModel load() {
            return new VersionedModel(version, read(uri, checksum));
        }
    }

    private final Path dir;

    public ModelStore(String uri) {
        this.dir = new Path(uri);
    }

    public String uri() {
        return dir.toString();
    }

    /** The base name of a version's files: {@code model-00000042-<first 16 hex of the checksum>}. */
    public static String baseName(long version, String checksum) {
        if (checksum == null || checksum.length() < 16) {
            throw new IllegalArgumentException("A model checksum must be a SHA-256 hex string, got '" + checksum + "'");
        }
        return String.format("model-%08d-%s", version, checksum.substring(0, 16));
    }

    /**
     * Writes a version's weights and metadata, uncommitted; returns the weights' URI. Writing the
     * same version and weights again is harmless (the existing files are kept).
     */
    public String write(VersionedModel model, ModelUpdate metadata) {
        try {
            FileSystem fs = dir.getFileSystem();
            fs.mkdirs(dir);
            String name = baseName(model.version(), model.checksum());
            Path weights = new Path(dir, name + ".olstm");
            writeOnce(fs, weights, model.encoded());
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("version", model.version());
            meta.put("checksum", model.checksum());
            meta.put("config", Map.of("features", metadata.features, "hiddenSize", metadata.hiddenSize,
                    "layers", metadata.layers, "horizon", metadata.horizon));
            meta.put("trainLoss", metadata.trainLoss);
            meta.put("candidateLoss", metadata.candidateLoss);
            meta.put("servingLoss", metadata.servingLoss);
            meta.put("publishedAt", metadata.publishedAt);
            Path json = new Path(dir, name + ".json");
            // Metadata of the same weights written twice (a restarted trainer) differs in its times: keep the first.
            if (!fs.exists(json)) {
                writeOnce(fs, json, JsonCodec.toBytes(meta));
            }
            return weights.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write model version " + model.version() + " to " + dir
                    + ": " + e.getMessage() + ". Check that the model store is writable.", e);
        }
    }

    /**
     * Marks a written version as published for good.
     *
     * @return true when the version is now committed with these weights (also when it already was);
     *     false when the number is already committed with other weights (that marker stays, nothing
     *     is written) or when the weights are not in the store (nothing to commit)
     */
    public boolean commit(long version, String checksum, long checkpointId) {
        try {
            FileSystem fs = dir.getFileSystem();
            String name = baseName(version, checksum);
            Optional<StoredVersion> existing = committed(version);
            if (existing.isPresent()) {
                String committedChecksum = existing.get().legacy()
                        ? WeightsCodec.checksum(readBytes(new Path(existing.get().uri())))
                        : existing.get().checksum();
                if (checksum.equals(committedChecksum)) {
                    return true;
                }
                LOG.warn("Model version {} is already committed in {} with other weights ({}); the weights {} announced"
                        + " again under that number stay uncommitted. This happens when a trainer restarts from an"
                        + " older checkpoint or savepoint than its newest committed version; start it from the newest"
                        + " one to keep store and topic in step.", version, dir,
                        existing.get().legacy() ? "a legacy file" : existing.get().checksum().substring(0, 16),
                        checksum.substring(0, 16));
                return false;
            }
            Path weights = new Path(dir, name + ".olstm");
            if (!fs.exists(weights)) {
                LOG.warn("Cannot commit model version {}: its weights {} are not in the store (the job was restored"
                        + " with another model.store, or the store was emptied while it ran); the version stays"
                        + " uncommitted here", version, weights);
                return false;
            }
            Map<String, Object> marker = new LinkedHashMap<>();
            marker.put("version", version);
            marker.put("checksum", checksum);
            marker.put("checkpointId", checkpointId);
            marker.put("committedAt", System.currentTimeMillis());
            writeOnce(fs, new Path(dir, name + ".committed"), JsonCodec.toBytes(marker));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot commit model version " + version + " in " + dir + ": "
                    + e.getMessage() + ". Check that the model store is writable.", e);
        }
    }

    /** The newest committed version, if any; uncommitted files are never returned. */
    public Optional<StoredVersion> newestCommitted() {
        List<StoredVersion> all = committed();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The committed version with this number, if any. */
    public Optional<StoredVersion> committed(long version) {
        return committed().stream().filter(v -> v.version() == version).findFirst();
    }

    /** Every committed version, oldest first; for a number with a marker and a legacy file, the marker wins. */
    public List<StoredVersion> committed() {
        try {
            FileSystem fs = dir.getFileSystem();
            Map<Long, StoredVersion> byVersion = new HashMap<>();
            for (FileStatus f : list(fs)) {
                String name = f.getPath().getName();
                Matcher legacy = LEGACY_WEIGHTS.matcher(name);
                if (legacy.matches()) {
                    long v = Long.parseLong(legacy.group(1));
                    byVersion.putIfAbsent(v, new StoredVersion(v, null, f.getPath().toString(), f.getModificationTime(), true));
                    continue;
                }
                Matcher m = FILE.matcher(name);
                if (m.matches() && m.group(3).equals("committed")) {
                    Map<?, ?> marker;
                    try {
                        marker = JsonCodec.fromBytes(readBytes(f.getPath()), Map.class);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException("Commit marker " + f.getPath() + " is not the JSON the trainer"
                                + " writes; markers are never written in place, so something else changed it. Check the"
                                + " store, and delete the marker if its version should not count.", e);
                    }
                    long v = Long.parseLong(m.group(1));
                    String checksum = String.valueOf(marker.get("checksum"));
                    long at = marker.get("committedAt") instanceof Number n ? n.longValue() : f.getModificationTime();
                    String weights = new Path(dir, "model-" + m.group(1) + "-" + m.group(2) + ".olstm").toString();
                    StoredVersion sv = new StoredVersion(v, checksum, weights, at, false);
                    StoredVersion before = byVersion.get(v);
                    if (before == null || before.legacy()) {
                        byVersion.put(v, sv);
                    } else if (!before.checksum().equals(checksum)) {
                        // The contract forbids it; only two writers on one store can cause it. Choose, but say so.
                        LOG.error("Model store {} holds two commit markers for version {}: is more than one job writing"
                                + " to it? Give every job its own model.store.", dir, v);
                        if (sv.committedAt() < before.committedAt()) {
                            byVersion.put(v, sv);
                        }
                    }
                }
            }
            List<StoredVersion> out = new ArrayList<>(byVersion.values());
            out.sort(Comparator.comparingLong(StoredVersion::version));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the model store " + dir + ": " + e.getMessage()
                    + ". Check model.store and that the folder is readable.", e);
        }
    }

    /**
     * Deletes what is no longer needed: committed versions beyond the newest {@code keepVersions},
     * and uncommitted files (weights, metadata, interrupted writes) of versions up to the newest
     * committed one, which no announcement can point to any more. Files of versions above the
     * newest committed one may still be committed and stay.
     *
     * @return the number of files deleted
     */
    public int retain(int keepVersions) {
        if (keepVersions < 1) {
            throw new IllegalArgumentException("The model store must keep at least 1 committed version, got " + keepVersions);
        }
        try {
            FileSystem fs = dir.getFileSystem();
            List<StoredVersion> committed = committed();
            if (committed.isEmpty()) {
                return 0;
            }
            long newest = committed.get(committed.size() - 1).version();
            Map<Long, StoredVersion> kept = new HashMap<>();
            committed.subList(Math.max(0, committed.size() - keepVersions), committed.size())
                    .forEach(v -> kept.put(v.version(), v));
            List<Path> delete = new ArrayList<>();
            for (FileStatus f : list(fs)) {
                String name = f.getPath().getName();
                Matcher legacy = LEGACY_FILE.matcher(name);
                Matcher m = FILE.matcher(name);
                Matcher tmp = IN_PROGRESS.matcher(name);
                if (legacy.matches()) {
                    StoredVersion keep = kept.get(Long.parseLong(legacy.group(1)));
                    if (keep == null || !keep.legacy()) {
                        delete.add(f.getPath());
                    }
                } else if (m.matches()) {
                    long v = Long.parseLong(m.group(1));
                    StoredVersion keep = kept.get(v);
                    boolean isKept = keep != null && !keep.legacy() && keep.checksum().startsWith(m.group(2));
                    if (!isKept && v <= newest) {
                        delete.add(f.getPath());
                    }
                } else if (tmp.matches() && Long.parseLong(tmp.group(1)) <= newest) {
                    delete.add(f.getPath());
                }
            }
            // Markers first: a version is never committed without its weights, even if a delete fails half way.
            delete.sort(Comparator.comparing((Path p) -> !p.getName().endsWith(".committed")));
            for (Path p : delete) {
                fs.delete(p, false);
            }
            if (!delete.isEmpty()) {
                LOG.info("Model store {}: deleted {} files, keeping the newest {} committed versions (newest {})",
                        dir, delete.size(), kept.size(), newest);
            }
            return delete.size();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clean up the model store " + dir + ": " + e.getMessage(), e);
        }
    }

    private FileStatus[] list(FileSystem fs) throws IOException {
        if (!fs.exists(dir)) {
            return new FileStatus[0];
        }
        FileStatus[] files = fs.listStatus(dir);
        return files == null ? new FileStatus[0] : files;
    }

    /** Reads the weights at {@code uri} and checks them against {@code checksum} (if given). */
    public static byte[] read(String uri, String checksum) {
        return read(uri, checksum, Long.MAX_VALUE);
    }

    /**
     * Like {@link #read(String, String)}, but refuses a file larger than {@code maxBytes} without
     * reading past that: a uri that names something else than a model (a device, a huge file)
     * cannot exhaust memory.
     */
    public static byte[] read(String uri, String checksum, long maxBytes) {
        try {
            byte[] bytes = readBytes(new Path(uri), maxBytes);
            if (checksum != null && !checksum.equals(WeightsCodec.checksum(bytes))) {
                throw new CorruptModelException("Model at " + uri + " does not match its announced checksum " + checksum);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model " + uri + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readBytes(Path path) throws IOException {
        return readBytes(path, Long.MAX_VALUE);
    }

    private static byte[] readBytes(Path path, long maxBytes) throws IOException {
        try (InputStream in = path.getFileSystem().open(path)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new IOException("larger than the " + maxBytes + " bytes a model of this job's architecture takes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /**
     * Writes {@code bytes} to {@code target} through a temporary file and a rename, unless the
     * target exists: then its bytes must be the same, and it is left as it is.
     */
    private static void writeOnce(FileSystem fs, Path target, byte[] bytes) throws IOException {
        if (fs.exists(target)) {
            requireSame(target, bytes);
            return;
        }
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".inprogress");
        try (FSDataOutputStream out = fs.create(tmp, FileSystem.WriteMode.OVERWRITE)) {
            ((OutputStream) out).write(bytes);
            out.sync();
        }
        // Checked again just before the rename, which on most file systems would replace the target.
        if (fs.exists(target)) {
            fs.delete(tmp, false);
            requireSame(target, bytes);
            return;
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("rename of " + tmp + " to " + target + " failed");
        }
    }

    private static void requireSame(Path target, byte[] bytes) throws IOException {
        if (!Arrays.equals(readBytes(target), bytes)) {
            throw new IllegalStateException("Model store file " + target + " exists with other content and is never"
                    + " replaced. Is a second job writing to this store? Give every job its own model.store.");
        }
    }
}
