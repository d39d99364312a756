package io.onlinelstm.job;

import java.nio.charset.StandardCharsets;

/**
 * A catalogue of bad readings for series {@code key} whose last accepted reading had time {@code lastTs},
 * each with the dead-letter reason the job must give it.
 */
record BadInput(byte[] payload, String reason) {

    static final int KINDS = 20;

    static BadInput of(int i, String key, long lastTs) {
        String k = "\"key\":\"" + key + "\"";
        String ts = "\"ts\":" + lastTs;
        return switch (i % KINDS) {
            case 0 -> text("{not json", "malformed_json");
            case 1 -> text("{" + k + "," + ts + ",\"value\":NaN}", "malformed_json");
            case 2 -> new BadInput(new byte[] {(byte) 0xFF, (byte) 0xFE, 0x00, 0x7B}, "malformed_json");
            case 3 -> new BadInput(new byte[0], "malformed_json");
            case 4 -> text("{" + k + "," + ts + ",\"value\":\"NaN\"}", "invalid_value");
            case 5 -> text("{" + k + "," + ts + ",\"value\":\"Infinity\"}", "invalid_value");
            case 6 -> text("{" + k + "," + ts + ",\"value\":1e400}", "invalid_value");
            case 7 -> text("{" + k + "," + ts + ",\"value\":-3.5e39}", "invalid_value");
            case 8 -> text("{" + k + "," + ts + ",\"value\":true}", "invalid_value");
            case 9 -> text("{" + k + "," + ts + "}", "invalid_value");
            case 10 -> text("{\"ts\":" + lastTs + ",\"value\":1}", "missing_key");
            case 11 -> text("{\"key\":[\"" + key + "\"]," + ts + ",\"value\":1}", "missing_key");
            case 12 -> text("{" + k + ",\"value\":1}", "missing_ts");
            case 13 -> text("{" + k + ",\"ts\":99999999999999999999,\"value\":1}", "invalid_ts");
            case 14 -> text("{" + k + ",\"ts\":{\"at\":1},\"value\":1}", "invalid_ts");
            case 15 -> text("{" + k + ",\"ts\":\"+300000000-01-01T00:00:00Z\",\"value\":1}", "invalid_ts");
            case 16 -> text("{" + k + "," + ts + ",\"value\":1,\"features\":[1,2]}", "wrong_feature_count");
            case 17 -> text("{" + k + "," + ts + ",\"value\":1,\"pad\":\"" + "x".repeat(100_000) + "\"}", "too_large");
            case 18 -> text("{" + k + "," + ts + ",\"value\":1}", "duplicate_ts");
            default -> text("{" + k + ",\"ts\":" + (lastTs - 1) + ",\"value\":1}", "out_of_order");
        };
    }

    private static BadInput text(String json, String reason) {
        return new BadInput(json.getBytes(StandardCharsets.UTF_8), reason);
    }
}
