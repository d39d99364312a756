package io.onlinelstm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.model.LstmConfig;
import io.onlinelstm.model.WeightInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

    private static VersionedModel model(long version, long seed) {
        LstmConfig config = LstmConfig.builder().hiddenSize(4).layers(1).seed(seed).build();
        return VersionedModel.of(version, WeightInitializer.initialize(config));
    }

    private static ModelUpdate meta() {
        ModelUpdate u = new ModelUpdate();
        u.features = 1;
        u.hiddenSize = 4;
        u.layers = 1;
        u.horizon = 1;
        return u;
    }

    private static Set<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static ModelStore store(Path dir) {
        return new ModelStore(dir.toUri().toString());
    }

    private static void publish(ModelStore store, VersionedModel m) {
        store.write(m, meta());
        assertTrue(store.commit(m.version(), m.checksum(), 1));
    }

    @Test
    void filesAreNamedByVersionAndChecksumAndStartUncommitted(@TempDir Path dir) throws Exception {
        ModelStore store = store(dir);
        VersionedModel m = model(42, 1);
        String uri = store.write(m, meta());
        String base = "model-00000042-" + m.checksum().substring(0, 16);
        assertEquals(Set.of(base + ".olstm", base + ".json"), files(dir));
        assertTrue(uri.endsWith(base + ".olstm"), uri);
        assertArrayEquals(m.encoded(), ModelStore.read(uri, m.checksum()));
        assertTrue(store.newestCommitted().isEmpty(), "written is not committed");
    }

    @Test
    void aVersionNumberWrittenWithOtherWeightsGetsItsOwnFilesAndNothingIsReplaced(@TempDir Path dir) throws Exception {
        ModelStore store = store(dir);
        VersionedModel first = model(3, 1);
        VersionedModel other = model(3, 2);
        String a = store.write(first, meta());
        String b = store.write(other, meta());
        String again = store.write(first, meta());
        assertEquals(a, again, "the same version and weights written twice is harmless");
        assertFalse(a.equals(b));
        assertArrayEquals(first.encoded(), ModelStore.read(a, first.checksum()));
        assertArrayEquals(other.encoded(), ModelStore.read(b, other.checksum()));
        assertEquals(4, files(dir).size());

        // A file under the target name with other bytes is refused, not replaced.
        VersionedModel third = model(4, 3);
        Path target = dir.resolve(ModelStore.baseName(4, third.checksum()) + ".olstm");
        Files.write(target, new byte[] {1, 2, 3});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.write(third, meta()));
        assertTrue(e.getMessage().contains("never replaced") && e.getMessage().contains(target.getFileName().toString()),
                e.getMessage());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    }

    @Test
    void aCommittedNumberNeverNamesOtherWeights(@TempDir Path dir) throws Exception {
        ModelStore store = store(dir);
        VersionedModel committed = model(5, 1);
        VersionedModel later = model(5, 2);
        publish(store, committed);
        assertTrue(store.commit(5, committed.checksum(), 2), "committing again is harmless");
        store.write(later, meta());
        assertFalse(store.commit(5, later.checksum(), 3), "the number is taken");
        ModelStore.StoredVersion newest = store.newestCommitted().orElseThrow();
        assertEquals(5, newest.version());
        assertEquals(committed.checksum(), newest.checksum());
        assertArrayEquals(committed.encoded(), newest.load().encoded());
        assertEquals(1, files(dir).stream().filter(f -> f.endsWith(".committed")).count());
    }

    @Test
    void newestCommittedIgnoresNewerUncommittedVersions(@TempDir Path dir) {
        ModelStore store = store(dir);
        publish(store, model(1, 1));
        publish(store, model(2, 2));
        store.write(model(3, 3), meta());
        assertEquals(2, store.newestCommitted().orElseThrow().version());
        assertEquals(List.of(1L, 2L), store.committed().stream().map(ModelStore.StoredVersion::version).toList());
    }

    @Test
    void commitRefusesWeightsThatAreNotInTheStore(@TempDir Path dir) {
        ModelStore store = store(dir);
        VersionedModel m = model(1, 1);
        assertFalse(store.commit(1, m.checksum(), 1));
        assertTrue(store.newestCommitted().isEmpty());
    }

    @Test
    void filesOfEarlierReleasesCountAsCommitted(@TempDir Path dir) throws Exception {
        VersionedModel legacy = model(7, 1);
        Files.write(dir.resolve("model-00000007.olstm"), legacy.encoded());
        Files.writeString(dir.resolve("model-00000007.json"), "{\"version\":7}");
        ModelStore store = store(dir);
        ModelStore.StoredVersion newest = store.newestCommitted().orElseThrow();
        assertEquals(7, newest.version());
        assertTrue(newest.legacy());
        assertArrayEquals(legacy.encoded(), newest.load().encoded());
        // The same weights committed under the legacy number: already committed. Other weights: refused.
        store.write(legacy, meta());
        assertTrue(store.commit(7, legacy.checksum(), 1));
        VersionedModel other = model(7, 2);
        store.write(other, meta());
        assertFalse(store.commit(7, other.checksum(), 1));
        publish(store, model(8, 3));
        assertEquals(8, store.newestCommitted().orElseThrow().version());
    }

    @Test
    void retentionKeepsTheNewestCommittedVersionsAndPendingOnes(@TempDir Path dir) throws Exception {
        ModelStore store = store(dir);
        Files.write(dir.resolve("model-00000001.olstm"), model(1, 1).encoded());
        Files.writeString(dir.resolve("model-00000001.json"), "{\"version\":1}");
        for (int v = 2; v <= 5; v++) {
            publish(store, model(v, v));
        }
        VersionedModel aborted = model(4, 40);
        store.write(aborted, meta());
        Files.write(dir.resolve("." + ModelStore.baseName(3, model(3, 30).checksum()) + ".olstm.inprogress"), new byte[] {0});
        VersionedModel pending = model(6, 6);
        store.write(pending, meta());

        int deleted = store.retain(2);

        assertEquals(List.of(4L, 5L), store.committed().stream().map(ModelStore.StoredVersion::version).toList());
        Set<String> left = files(dir);
        String v4 = ModelStore.baseName(4, model(4, 4).checksum());
        String v5 = ModelStore.baseName(5, model(5, 5).checksum());
        String v6 = ModelStore.baseName(6, pending.checksum());
        assertEquals(Set.of(v4 + ".olstm", v4 + ".json", v4 + ".committed", v5 + ".olstm", v5 + ".json", v5 + ".committed",
                v6 + ".olstm", v6 + ".json"), left, "versions 1-3, the aborted 4 and the interrupted write go; 6 may still commit");
        assertEquals(2 + 3 * 2 + 2 + 1, deleted);
        assertArrayEquals(model(5, 5).encoded(), store.newestCommitted().orElseThrow().load().encoded());

        assertEquals(0, store.retain(2), "nothing more to delete");
        store.retain(1);
        assertEquals(List.of(5L), store.committed().stream().map(ModelStore.StoredVersion::version).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.retain(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }

    @Test
    void aDamagedCommitMarkerIsReportedByName(@TempDir Path dir) throws Exception {
        ModelStore store = store(dir);
        VersionedModel m = model(1, 1);
        publish(store, m);
        Path marker = dir.resolve(ModelStore.baseName(1, m.checksum()) + ".committed");
        Files.writeString(marker, "{not json");
        IllegalStateException e = assertThrows(IllegalStateException.class, store::newestCommitted);
        assertTrue(e.getMessage().contains(marker.getFileName().toString()), e.getMessage());
    }
}
