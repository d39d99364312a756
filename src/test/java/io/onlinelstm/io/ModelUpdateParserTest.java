package io.onlinelstm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelUpdateParserTest {

    private static final String CHECKSUM = "ab".repeat(32);
    private final ModelUpdateParser parser = new ModelUpdateParser();

    private static RawReading raw(String json) {
        return new RawReading(json == null ? null : json.getBytes(StandardCharsets.UTF_8), "model-updates", 0, 41, 0);
    }

    private static String valid(String extra) {
        return "{\"version\":3,\"checksum\":\"" + CHECKSUM + "\",\"uri\":\"file:///m/model-3.olstm\","
                + "\"features\":1,\"hiddenSize\":64,\"layers\":2,\"horizon\":1" + extra + "}";
    }

    @Test
    void aValidUpdateParsesAndUnknownFieldsOfANewerTrainerAreIgnored() {
        ModelUpdateParser.Result r = parser.parse(raw(valid(",\"trainerRelease\":\"9.9\",\"nested\":{\"a\":[1,2]}")));
        assertTrue(r.isValid(), () -> String.valueOf(r.deadLetter()));
        assertEquals(3, r.update().version);
        assertEquals(64, r.update().hiddenSize);
    }

    @Test
    void whatIsNotAUsableUpdateBecomesADeadLetterWithItsCoordinates() {
        String[][] cases = {
            {"{\"version\": 999, \"garbage", "not a model update in JSON"},
            {"", "empty record"},
            {null, "empty record"},
            {"[1,2]", "not a model update in JSON"},
            {"{\"version\":\"three\"}", "not a model update in JSON"},
            {valid("").replace("\"version\":3", "\"version\":0"), "version must be 1 or more"},
            {valid("").replace(CHECKSUM, "xyz"), "checksum must be the SHA-256"},
            {valid("").replace(",\"uri\":\"file:///m/model-3.olstm\"", ""), "neither inline weights nor a uri"},
            {valid("").replace("\"layers\":2", "\"layers\":0"), "must all be 1 or more"},
            {valid("").replace("\"checksum\"", "\"weights\":\"@@not base64@@\",\"checksum\""), "not a model update in JSON"},
        };
        for (String[] c : cases) {
            ModelUpdateParser.Result r = parser.parse(raw(c[0]));
            assertFalse(r.isValid(), c[0]);
            DeadLetter d = r.deadLetter();
            assertEquals("malformed_model_update", d.reason, c[0]);
            assertTrue(d.detail.contains(c[1]), c[0] + " -> " + d.detail);
            assertEquals("model-updates", d.topic);
            assertEquals(41, d.offset);
            assertEquals(c[0] == null ? "" : c[0], d.payload);
        }
    }

    @Test
    void aHugePayloadIsCutInTheDeadLetterAndSaysSo() {
        String huge = "{\"version\": 1, \"x\": \"" + "a".repeat(100_000);
        DeadLetter d = parser.parse(raw(huge)).deadLetter();
        assertEquals(ModelUpdateParser.PAYLOAD_LIMIT, d.payload.length());
        assertTrue(d.detail.contains("payload cut"), d.detail);
    }
}
