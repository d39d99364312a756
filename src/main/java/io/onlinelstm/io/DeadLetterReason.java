package io.onlinelstm.io;

import java.util.Locale;

/** Why a record went to the dead-letter output; the lower-case name is used in JSON and metrics. */
public enum DeadLetterReason {
    /** Not parseable as a JSON object. */
    MALFORMED_JSON,
    /** No key, or a blank one. */
    MISSING_KEY,
    /** No ts field. */
    MISSING_TS,
    /** A ts that is neither epoch milliseconds nor ISO-8601. */
    INVALID_TS,
    /** No value, or one that is not a finite number. */
    INVALID_VALUE,
    /** A features array whose length does not match the model's inputs, or with non-finite entries. */
    WRONG_FEATURE_COUNT,
    /** Larger than the configured maximum record size. */
    TOO_LARGE,
    /** Same ts as the last accepted record of its series. */
    DUPLICATE_TS,
    /** ts before the last accepted record of its series. */
    OUT_OF_ORDER,
    /** A model update that is not JSON, or lacks what an update must carry (version, checksum, weights or uri, architecture). */
    MALFORMED_MODEL_UPDATE,
    /** A model update without a signature, while a signing key is configured. */
    UNSIGNED_MODEL_UPDATE,
    /** A model update whose signature does not verify, or names an unknown key. */
    FORGED_MODEL_UPDATE,
    /** Model weights that do not match their announced checksum, or do not decode. */
    CORRUPT_MODEL,
    /** Model weights of another architecture than the job's model. */
    INCOMPATIBLE_MODEL,
    /** Model weights that could not be read from the model store. */
    MODEL_UNREADABLE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
