package io.onlinelstm.io;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies {@link ModelUpdate}s with a shared secret (HMAC-SHA256), so that a forecaster
 * can tell updates of its own job's trainer from anything else written to the model-updates topic.
 * The checksum of an update proves the weights are the announced ones; the signature proves who
 * announced them.
 *
 * <p>The signature covers a canonical encoding of: a format tag, the job name, the version, the
 * architecture (features, hidden size, layers, horizon) and the weights' checksum. Strings are
 * length-prefixed UTF-8 and numbers fixed-width big-endian, so no two different updates encode
 * alike. The weights themselves are covered through the checksum, which forecasters already check
 * against the bytes they load. The store URI, losses and times are not covered: they steer nothing
 * a forged value could exploit beyond where the weights are read from, and those are checked
 * against the signed checksum.
 *
 * <p>The key file ({@code model.signing-key-file}) is a secret. Its format, UTF-8 text:
 * <pre>
 * # comments and blank lines are ignored
 * 2025-06=3q2+7w...base64 of at least 32 random bytes...   &lt;- current key: signs, verifies
 * 2025-01=Zm9v...                                          &lt;- previous key (optional): verifies only
 * </pre>
 * Each key line is {@code keyId=base64key}: a key id of 1 to 64 characters from
 * {@code A-Z a-z 0-9 . _ -}, and a key of at least 32 bytes in standard base64 (for example from
 * {@code openssl rand -base64 32}). To rotate: put the new key first and the old one second and
 * restart the job from a savepoint (the trainer signs with the new key, forecasters accept both);
 * drop the old line at a later restart, once no update signed with it is still to be served.
 *
 * <p>Key material is never logged, printed or put into an exception message; {@link #toString()}
 * shows the key ids only. The object is serializable because it travels with the job's operators.
 */
public final class ModelUpdateSigner implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String ALGORITHM = "HmacSHA256";
    private static final String FORMAT_TAG = "online-lstm/model-update/v1";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final int MIN_KEY_BYTES = 32;

    /** What {@link #verify} found. Only {@link #OK} may be served. */
    public enum Verification {
        /** Signed with the current or the previous key, and nothing covered was changed. */
        OK,
        /** No signature, though a key is configured. */
        UNSIGNED,
        /** Signed with a key id that is neither the current nor the previous one. */
        UNKNOWN_KEY,
        /** The signature does not match: a covered field was changed, or it was signed with another secret. */
        FORGED;

        public boolean accepted() {
            return this == OK;
        }
    }

    private final String source;
    private final String currentId;
    private final byte[] currentKey;
    private final String previousId;
    private final byte[] previousKey;

    private ModelUpdateSigner(String source, String currentId, byte[] currentKey, String previousId, byte[] previousKey) {
        this.source = source;
        this.currentId = currentId;
        this.currentKey = currentKey;
        this.previousId = previousId;
        this.previousKey = previousKey;
    }

    /** Reads a key file (format in the class comment). Errors name the file and the line, never a key. */
    public static ModelUpdateSigner fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("The model signing key file " + file + " is not UTF-8 text; write it"
                    + " as lines keyId=base64key");
        } catch (IOException e) {
            // The exception's own message names only the file, never its contents.
            throw new IllegalArgumentException("Cannot read the model signing key file " + file + " (" + e
                    + "); check model.signing-key-file and that the file is readable by the job", e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses key file contents.
     *
     * @param source what to call the contents in error messages (the file name)
     */
    public static ModelUpdateSigner parse(String contents, String source) {
        List<String> ids = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        String[] lines = contents.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "Model signing key file " + source + ", line " + (i + 1) + ": ";
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(where + "expected keyId=base64key (the line is not shown, it may"
                        + " hold a key)");
            }
            String id = line.substring(0, eq).strip();
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(where + "expected keyId=base64key, with a key id of 1 to 64 characters of"
                        + " A-Z a-z 0-9 . _ - before the first '=' (the line is not shown, it may hold a key)");
            }
            if (ids.contains(id)) {
                throw new IllegalArgumentException(where + "key id '" + id + "' appears twice; every key needs its own id");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(line.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                // The decoder's message quotes a character of the key: not passed on.
                throw new IllegalArgumentException(where + "the key of '" + id + "' is not valid standard base64");
            }
            if (key.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException(where + "the key of '" + id + "' is " + key.length + " bytes; use at"
                        + " least " + MIN_KEY_BYTES + " random bytes, e.g. from openssl rand -base64 32");
            }
            ids.add(id);
            keys.add(key);
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("Model signing key file " + source + " holds no key; add a line"
                    + " keyId=base64key (e.g. the output of openssl rand -base64 32 after 'k1=')");
        }
        if (ids.size() > 2) {
            throw new IllegalArgumentException("Model signing key file " + source + " holds " + ids.size() + " keys;"
                    + " give at most two: the current key first, the previous one second");
        }
        return new ModelUpdateSigner(source, ids.get(0), keys.get(0), ids.size() > 1 ? ids.get(1) : null,
                ids.size() > 1 ? keys.get(1) : null);
    }

    /** The id of the key that signs. */
    public String currentKeyId() {
        return currentId;
    }

    /** Sets {@code update.keyId} and {@code update.signature} (base64) with the current key. */
    public void sign(ModelUpdate update, String jobName) {
        update.keyId = currentId;
        update.signature = Base64.getEncoder().encodeToString(mac(currentKey, update, jobName));
    }

    /**
     * Checks an update's signature against the current and the previous key. Only a result whose
     * {@link Verification#accepted()} is true may be served; a forecaster without a configured key
     * has no signer and accepts every update, as before signing existed.
     *
     * @param jobName the name of the job whose trainer must have signed it (job.name)
     */
    public Verification verify(ModelUpdate update, String jobName) {
        if (update.signature == null || update.signature.isEmpty()) {
            return Verification.UNSIGNED;
        }
        byte[] key;
        if (currentId.equals(update.keyId)) {
            key = currentKey;
        } else if (previousId != null && previousId.equals(update.keyId)) {
            key = previousKey;
        } else {
            return Verification.UNKNOWN_KEY;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(update.signature);
        } catch (IllegalArgumentException e) {
            return Verification.FORGED;
        }
        return MessageDigest.isEqual(given, mac(key, update, jobName)) ? Verification.OK : Verification.FORGED;
    }

    /** The bytes the signature covers; see the class comment. */
    static byte[] canonical(ModelUpdate u, String jobName) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, FORMAT_TAG);
            writeString(out, jobName);
            out.writeLong(u.version);
            out.writeInt(u.features);
            out.writeInt(u.hiddenSize);
            out.writeInt(u.layers);
            out.writeInt(u.horizon);
            writeString(out, u.checksum);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] mac(byte[] key, ModelUpdate update, String jobName) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(canonical(update, jobName));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "ModelUpdateSigner[current key " + currentId + (previousId == null ? "" : ", previous key " + previousId)
                + ", from " + source + "]";
    }
}
