package io.onlinelstm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tree-free path takes the plain shape and hands everything else to the tree parser, never disagreeing with it. */
class PlainReadingParserTest {

    // As the job's parser: strict duplicate detection.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private final ReadingParser parser = new ReadingParser(1, 1024);

    private static RawReading raw(String json) {
        return new RawReading(json.getBytes(StandardCharsets.UTF_8), "readings", 3, 42L, 777L);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"key\":\"sensor-17\",\"ts\":1732680000123,\"value\":21.4}",
        "{\"value\":-0.000123,\"ts\":0,\"key\":\"k\"}",
        "{\"ts\":-5,\"key\":\"k\",\"value\":7}",
        "{\"key\":\"k\",\"ts\":1,\"value\":9007199254740993}",
        "{\"key\":\"k\",\"ts\":1,\"value\":3.4028234663852886E38}",
        "{\"key\":\"k\",\"ts\":1,\"value\":1e-320}",
        " { \"key\" : \"a\\u00e9b\" , \"ts\" : 12 , \"value\" : 1.5 } \n",
        "{\"key\":\"k\",\"ts\":2147483648,\"value\":0.1}"})
    void takesThePlainShapeAsTheTreeParserDoes(String json) {
        Reading plain = PlainReadingParser.parse(FACTORY, json.getBytes(StandardCharsets.UTF_8), raw(json));
        assertNotNull(plain, json);
        assertSame(tree(json).reading(), plain);
        assertSame(parser.parse(raw(json)).reading(), plain);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "not json", "[1,2]", "{}", "null",
        "{\"key\":\"k\",\"ts\":1,\"value\":1} trailing",
        "{\"key\":\"k\",\"ts\":1,\"value\":1}{}",
        "{\"key\":\"k\",\"ts\":1,\"value\":1,\"key\":\"k2\"}",
        "{\"key\":\"k\",\"ts\":1,\"ts\":2,\"value\":1}",
        "{\"key\":\"k\",\"ts\":1,\"value\":1,\"value\":2}",
        "{\"key\":\"k\",\"ts\":1,\"value\":1,\"unit\":\"C\"}",
        "{\"key\":\"k\",\"ts\":1,\"value\":1,\"features\":null}",
        "{\"key\":17,\"ts\":1,\"value\":1}",
        "{\"key\":\" \",\"ts\":1,\"value\":1}",
        "{\"key\":null,\"ts\":1,\"value\":1}",
        "{\"key\":\"k\",\"ts\":\"2024-11-27T04:00:00Z\",\"value\":1}",
        "{\"key\":\"k\",\"ts\":\"1732680000123\",\"value\":1}",
        "{\"key\":\"k\",\"ts\":1732680000123.0,\"value\":1}",
        "{\"key\":\"k\",\"ts\":99999999999999999999,\"value\":1}",
        "{\"key\":\"k\",\"ts\":1,\"value\":99999999999999999999}",
        "{\"key\":\"k\",\"ts\":1,\"value\":1e39}",
        "{\"key\":\"k\",\"ts\":1,\"value\":1e400}",
        "{\"key\":\"k\",\"ts\":1,\"value\":NaN}",
        "{\"key\":\"k\",\"ts\":1,\"value\":\"12\"}",
        "{\"key\":\"k\",\"ts\":1}",
        "{\"key\":\"k\",\"value\":1}",
        "{\"ts\":1,\"value\":1}",
        "{\"key\":\"k\",\"ts\":1,\"value\":1"})
    void leavesEverythingElseToTheTreeParser(String json) {
        assertNull(PlainReadingParser.parse(FACTORY, json.getBytes(StandardCharsets.UTF_8), raw(json)), json);
    }

    private ReadingParser.Result tree(String json) {
        ReadingParser.Result r = parser.parseTree(raw(json), json.getBytes(StandardCharsets.UTF_8));
        assertTrue(r.isValid(), json);
        return r;
    }

    private static void assertSame(Reading expected, Reading actual) {
        assertEquals(expected.key, actual.key);
        assertEquals(expected.ts, actual.ts);
        assertEquals(Double.doubleToRawLongBits(expected.value), Double.doubleToRawLongBits(actual.value));
        assertEquals(expected.features, actual.features);
        assertEquals(expected.arrivalMillis, actual.arrivalMillis);
        assertEquals(expected.topic, actual.topic);
        assertEquals(expected.partition, actual.partition);
        assertEquals(expected.offset, actual.offset);
    }
}
