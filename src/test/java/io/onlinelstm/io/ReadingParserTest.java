package io.onlinelstm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadingParserTest {

    private final ReadingParser single = new ReadingParser(1, 1024);

    private static RawReading raw(String json) {
        return new RawReading(json.getBytes(StandardCharsets.UTF_8), "readings", 3, 42L, 777L);
    }

    @Test
    void parsesTheDocumentedShape() {
        ReadingParser.Result r = single.parse(raw("{\"key\":\"sensor-17\",\"ts\":1732680000123,\"value\":21.4}"));
        assertTrue(r.isValid());
        assertEquals("sensor-17", r.reading().key);
        assertEquals(1732680000123L, r.reading().ts);
        assertEquals(21.4, r.reading().value);
        assertNull(r.reading().features);
        assertEquals(777L, r.reading().arrivalMillis);
        assertEquals(42L, r.reading().offset);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"2024-11-27T04:00:00Z\"|1732680000000",
        "\"2024-11-27T05:00:00+01:00\"|1732680000000",
        "\"2024-11-27T04:00:00.123Z\"|1732680000123",
        "\"1732680000123\"|1732680000123",
        "1732680000123.0|1732680000123"})
    void acceptsEpochMillisAndIso8601(String ts, long expected) {
        ReadingParser.Result r = single.parse(raw("{\"key\":\"k\",\"ts\":" + ts + ",\"value\":1}"));
        assertTrue(r.isValid(), () -> String.valueOf(r.deadLetter()));
        assertEquals(expected, r.reading().ts);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json|malformed_json",
        "[1,2]|malformed_json",
        "{\"ts\":1,\"value\":1}|missing_key",
        "{\"key\":\"  \",\"ts\":1,\"value\":1}|missing_key",
        "{\"key\":{\"a\":1},\"ts\":1,\"value\":1}|missing_key",
        "{\"key\":\"k\",\"value\":1}|missing_ts",
        "{\"key\":\"k\",\"ts\":\"yesterday\",\"value\":1}|invalid_ts",
        "{\"key\":\"k\",\"ts\":1.5,\"value\":1}|invalid_ts",
        "{\"key\":\"k\",\"ts\":99999999999999999999,\"value\":1}|invalid_ts",
        "{\"key\":\"k\",\"ts\":true,\"value\":1}|invalid_ts",
        "{\"key\":\"k\",\"ts\":\"+300000000-01-01T00:00:00Z\",\"value\":1}|invalid_ts",
        "{\"key\":\"k\",\"ts\":\"+300000000-01-01T00:00:00+01:00\",\"value\":1}|invalid_ts",
        "{\"key\":\"k\",\"ts\":1,\"value\":NaN}|malformed_json",
        "{\"key\":\"k\",\"ts\":1,\"value\":\"Infinity\"}|invalid_value",
        "{\"key\":\"k\",\"ts\":1,\"value\":1e39}|invalid_value",
        "{\"key\":\"k\",\"ts\":1,\"value\":[1]}|invalid_value",
        "{\"key\":\"k\",\"ts\":1}|invalid_value",
        "{\"key\":\"k\",\"ts\":1,\"value\":\"12\"}|invalid_value",
        "{\"key\":\"k\",\"ts\":1,\"value\":1e400}|invalid_value",
        "{\"key\":\"k\",\"ts\":1,\"value\":1,\"features\":[1]}|wrong_feature_count"})
    void refusesBadRecordsWithTheirReason(String json, String reason) {
        ReadingParser.Result r = single.parse(raw(json));
        assertFalse(r.isValid());
        assertEquals(reason, r.deadLetter().reason);
        assertEquals(json, r.deadLetter().payload);
        assertEquals("readings", r.deadLetter().topic);
        assertEquals(3, r.deadLetter().partition);
        assertEquals(42L, r.deadLetter().offset);
        assertTrue(r.deadLetter().detail != null && !r.deadLetter().detail.isBlank());
    }

    @Test
    void refusesOversizedRecordsWithoutParsingThem() {
        String big = "{\"key\":\"k\",\"ts\":1,\"value\":1,\"pad\":\"" + "x".repeat(2000) + "\"}";
        ReadingParser.Result r = single.parse(raw(big));
        assertEquals("too_large", r.deadLetter().reason);
        assertTrue(r.deadLetter().detail.contains("input.max-record-bytes"));
        assertEquals(1024, r.deadLetter().payload.length(), "only a prefix of an oversized payload is kept");
    }

    @Test
    void multiInputModelsTakeValuePlusFeatures() {
        ReadingParser three = new ReadingParser(3, 1024);
        ReadingParser.Result ok = three.parse(raw("{\"key\":\"k\",\"ts\":1,\"value\":1,\"features\":[0.5,-2]}"));
        assertArrayEquals(new float[] {0.5f, -2f}, ok.reading().features);
        assertEquals(3, ok.reading().inputCount());
        assertEquals("wrong_feature_count", three.parse(raw("{\"key\":\"k\",\"ts\":1,\"value\":1}")).deadLetter().reason);
        assertEquals("wrong_feature_count",
                three.parse(raw("{\"key\":\"k\",\"ts\":1,\"value\":1,\"features\":[1,\"x\"]}")).deadLetter().reason);
    }
}
