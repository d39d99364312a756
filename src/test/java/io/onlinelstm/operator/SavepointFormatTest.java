package io.onlinelstm.operator;

import static io.onlinelstm.operator.BundlingForecastOperatorTest.assertSameForecasts;
import static io.onlinelstm.operator.ForecasterHarness.feed;
import static io.onlinelstm.operator.ForecasterHarness.forecasts;
import static io.onlinelstm.operator.ForecasterHarness.open;
import static io.onlinelstm.operator.ForecasterHarness.settings;
import static io.onlinelstm.operator.ForecasterHarness.sines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import java.time.Duration;
import java.util.List;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.checkpoint.SnapshotType;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Savepoints of the forecaster by state backend and format: canonical savepoints (Flink's default,
 * the ones that move between backends) on heap and RocksDB; native ones on RocksDB and ForSt. ForSt
 * takes no canonical savepoint.
 */
class SavepointFormatTest {

    private static final Duration NEVER = Duration.ofHours(1);

    @AfterEach
    void backToTheHeapBackend() {
        ForecasterHarness.use(ForecasterHarness.Backend.HEAP);
    }

    @ParameterizedTest
    @EnumSource(value = ForecasterHarness.Backend.class, names = {"HEAP", "ROCKSDB"})
    void aCanonicalSavepointRestoresTheSameForecasts(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        assertResumesExactly(SavepointType.savepoint(SavepointFormatType.CANONICAL));
    }

    @ParameterizedTest
    @EnumSource(value = ForecasterHarness.Backend.class, names = {"ROCKSDB", "FORST"})
    void aNativeSavepointRestoresTheSameForecasts(ForecasterHarness.Backend backend) throws Exception {
        ForecasterHarness.use(backend);
        assertResumesExactly(SavepointType.savepoint(SavepointFormatType.NATIVE));
    }

    @Test
    void theForecasterRunsOnForStsSynchronousBackend() throws Exception {
        ForecasterHarness.use(ForecasterHarness.Backend.FORST);
        try (var h = open(settings(4, NEVER))) {
            assertInstanceOf(org.apache.flink.state.forst.sync.ForStSyncKeyedStateBackend.class,
                    h.getOperator().getKeyedStateBackend());
        }
    }

    @Test
    void forStRefusesACanonicalSavepoint() throws Exception {
        ForecasterHarness.use(ForecasterHarness.Backend.FORST);
        try (var h = open(settings(32, NEVER))) {
            feed(h, sines(5, 10, 3));
            h.prepareSnapshotPreBarrier(1L);
            Exception e = assertThrows(Exception.class,
                    () -> h.snapshotWithLocalState(1L, 1L, SavepointType.savepoint(SavepointFormatType.CANONICAL)));
            // On a cluster the TaskManager refuses earlier, in StreamTask: "Configured state backend
            // (ForStStateBackend...) does not support CANONICAL savepoints".
            Throwable cause = ExceptionUtils.findThrowable(e, UnsupportedOperationException.class).orElseThrow();
            assertEquals("Canonical savepoints are not supported by ForSt State Backend.", cause.getMessage());
        }
    }

    /** Half the input, a snapshot of {@code type}, a restore on the same backend, the rest: as an uninterrupted run. */
    private static void assertResumesExactly(SnapshotType type) throws Exception {
        List<Reading> input = sines(20, 30, 3);
        List<Forecast> uninterrupted;
        try (var h = open(settings(32, NEVER))) {
            feed(h, input);
            h.endInput();
            uninterrupted = forecasts(h);
        }
        List<Forecast> resumed = ForecasterHarness.resumedAcrossASnapshot(settings(32, NEVER), input, input.size() / 2,
                h -> h.snapshotWithLocalState(1L, 1L, type).getJobManagerOwnedState());
        assertEquals(uninterrupted.size(), resumed.size());
        assertSameForecasts(uninterrupted, resumed, 0.0);
    }
}
