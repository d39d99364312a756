package io.onlinelstm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.io.ModelUpdateSigner.Verification;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelUpdateSignerTest {

    private static final String JOB = "online-lstm-forecast";

    private static String key(long seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    private static ModelUpdate update() {
        ModelUpdate u = new ModelUpdate();
        u.version = 42;
        u.checksum = "a".repeat(64);
        u.features = 1;
        u.hiddenSize = 32;
        u.layers = 2;
        u.horizon = 1;
        u.uri = "file:/tmp/models/model-00000042-aaaaaaaaaaaaaaaa.olstm";
        return u;
    }

    @Test
    void aSignedUpdateVerifies(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# model-updates signing keys\n\n2025-06=" + key(1) + "\n");
        ModelUpdateSigner signer = ModelUpdateSigner.fromFile(file);
        ModelUpdate u = update();
        signer.sign(u, JOB);
        assertEquals("2025-06", u.keyId);
        assertNotNull(u.signature);
        assertEquals(Verification.OK, signer.verify(u, JOB));
        assertTrue(signer.verify(u, JOB).accepted());
        // A signer built from the same file elsewhere (a forecaster) agrees.
        assertEquals(Verification.OK, ModelUpdateSigner.fromFile(file).verify(u, JOB));
        // Fields outside the signature do not matter.
        u.trainLoss = 123;
        u.publishedAt = 1;
        assertEquals(Verification.OK, signer.verify(u, JOB));
    }

    @Test
    void changingAnyCoveredFieldOrTheSignatureIsForgery() {
        ModelUpdateSigner signer = ModelUpdateSigner.parse("k=" + key(1), "test");
        ModelUpdate signed = update();
        signer.sign(signed, JOB);
        java.util.List<java.util.function.Consumer<ModelUpdate>> changes = java.util.List.of(
                u -> u.version = 43,
                u -> u.checksum = "b".repeat(64),
                u -> u.features = 2,
                u -> u.hiddenSize = 64,
                u -> u.layers = 1,
                u -> u.horizon = 4,
                u -> u.signature = Base64.getEncoder().encodeToString(new byte[32]),
                u -> u.signature = "not base64 !");
        for (int i = 0; i < changes.size(); i++) {
            ModelUpdate u = copy(signed);
            changes.get(i).accept(u);
            assertEquals(Verification.FORGED, signer.verify(u, JOB), "change " + i);
            assertFalse(signer.verify(u, JOB).accepted());
        }
        assertEquals(Verification.FORGED, signer.verify(copy(signed), "another-job"), "signed for one job only");
        // Signed with another secret under the same key id.
        ModelUpdate other = update();
        ModelUpdateSigner.parse("k=" + key(2), "test").sign(other, JOB);
        assertEquals(Verification.FORGED, signer.verify(other, JOB));
    }

    @Test
    void theEncodingKeepsFieldsApart() {
        ModelUpdate a = update();
        ModelUpdate b = update();
        // Job name and checksum are length-prefixed, so text cannot move from one to the other.
        b.checksum = "x" + a.checksum;
        assertFalse(java.util.Arrays.equals(ModelUpdateSigner.canonical(a, JOB + "x"), ModelUpdateSigner.canonical(b, JOB)));
    }

    @Test
    void unsignedAndUnknownKeysAreRefusedWhenAKeyIsConfigured() {
        ModelUpdateSigner signer = ModelUpdateSigner.parse("k=" + key(1), "test");
        ModelUpdate unsigned = update();
        assertEquals(Verification.UNSIGNED, signer.verify(unsigned, JOB));
        assertFalse(Verification.UNSIGNED.accepted());
        ModelUpdate foreign = update();
        ModelUpdateSigner.parse("other=" + key(1), "test").sign(foreign, JOB);
        assertEquals(Verification.UNKNOWN_KEY, signer.verify(foreign, JOB));
        assertFalse(Verification.UNKNOWN_KEY.accepted());
    }

    @Test
    void afterRotationThePreviousKeyStillVerifiesAndTheNewOneSigns() {
        ModelUpdateSigner before = ModelUpdateSigner.parse("old=" + key(1), "test");
        ModelUpdateSigner after = ModelUpdateSigner.parse("new=" + key(2) + "\nold=" + key(1) + "\n", "test");
        ModelUpdate signedBefore = update();
        before.sign(signedBefore, JOB);
        assertEquals(Verification.OK, after.verify(signedBefore, JOB));
        ModelUpdate signedAfter = update();
        after.sign(signedAfter, JOB);
        assertEquals("new", signedAfter.keyId);
        assertEquals(Verification.OK, after.verify(signedAfter, JOB));
        assertEquals(Verification.UNKNOWN_KEY, before.verify(signedAfter, JOB), "a forecaster not yet rotated");
        // Once the old key is dropped, its updates are no longer accepted.
        assertEquals(Verification.UNKNOWN_KEY, ModelUpdateSigner.parse("new=" + key(2), "test").verify(signedBefore, JOB));
    }

    @Test
    void signatureFieldsTravelInJsonOnlyWhenSigned() {
        String unsigned = new String(JsonCodec.toBytes(update()), StandardCharsets.UTF_8);
        assertFalse(unsigned.contains("keyId") || unsigned.contains("signature"), unsigned);
        ModelUpdate u = update();
        ModelUpdateSigner signer = ModelUpdateSigner.parse("k=" + key(1), "test");
        signer.sign(u, JOB);
        ModelUpdate back = JsonCodec.fromBytes(JsonCodec.toBytes(u), ModelUpdate.class);
        assertEquals(Verification.OK, signer.verify(back, JOB));
        assertNull(JsonCodec.fromBytes(unsigned.getBytes(StandardCharsets.UTF_8), ModelUpdate.class).signature);
    }

    @Test
    void keyFileErrorsNameTheFileAndTheProblemButNoKey(@TempDir Path dir) throws Exception {
        String secret = key(3);
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        String[][] cases = {
                {"", "holds no key"},
                {"# only a comment\n", "holds no key"},
                {secret + "\n", "line 1: expected keyId=base64key"},
                {"\nk=" + secret.substring(0, 10) + "-_!" + secret.substring(10) + "\n", "line 2: the key of 'k' is not valid standard base64"},
                {"k=" + shortKey, "16 bytes; use at least 32"},
                {"bad id=" + secret, "line 1: expected keyId=base64key, with a key id of 1 to 64"},
                {"k=" + secret + "\nk=" + key(4), "line 2: key id 'k' appears twice"},
                {"a=" + secret + "\nb=" + key(4) + "\nc=" + key(5), "holds 3 keys"},
        };
        for (String[] c : cases) {
            Path file = dir.resolve("keys");
            Files.writeString(file, c[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelUpdateSigner.fromFile(file), c[1]);
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertFalse(e.getMessage().contains(secret.substring(0, 12)), "the key leaked into: " + e.getMessage());
            assertFalse(e.getMessage().contains(shortKey.substring(0, 12)), "the key leaked into: " + e.getMessage());
        }
        Path missing = dir.resolve("missing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelUpdateSigner.fromFile(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("model.signing-key-file"), e.getMessage());
        Path binary = dir.resolve("binary");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 'k', '='});
        e = assertThrows(IllegalArgumentException.class, () -> ModelUpdateSigner.fromFile(binary));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void toStringAndSerializedFormShowKeyIdsOnly() throws Exception {
        String secret = key(6);
        ModelUpdateSigner signer = ModelUpdateSigner.parse("cur=" + secret + "\nprev=" + key(7), "/etc/keys");
        assertEquals("ModelUpdateSigner[current key cur, previous key prev, from /etc/keys]", signer.toString());
        // Serializable, as operators that hold it travel with the job.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(signer);
        }
        assertTrue(bytes.size() > 0);
    }

    private static ModelUpdate copy(ModelUpdate u) {
        return JsonCodec.fromBytes(JsonCodec.toBytes(u), ModelUpdate.class);
    }
}
