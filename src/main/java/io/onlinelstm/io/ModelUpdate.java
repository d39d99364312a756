package io.onlinelstm.io;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Announcement of a published model version on the {@code model-updates} topic. The weights travel
 * inline when small enough, and always sit in the model store at {@code uri}; either way the
 * forecasters check {@code checksum} (SHA-256 of the encoded weights) before swapping. A Flink POJO.
 */
public class ModelUpdate {

    public long version;
    public String checksum;
    /** Where the weights are in the model store. */
    public String uri;
    /** The encoded weights, or null when they are only in the store. */
    public byte[] weights;
    public int features;
    public int hiddenSize;
    public int layers;
    public int horizon;
    public float trainLoss;
    public float candidateLoss;
    public float servingLoss;
    /** Wall-clock time of publication. */
    public long publishedAt;
    /** Wall-clock arrival of the newest window the version could learn from. */
    public long newestWindowAt;
    /** When this version restores an earlier one after a live-error rollback: that version; else 0. */
    public long rollbackOf;
    /** Id of the key that signed the update ({@link ModelUpdateSigner}); null when unsigned. */
    // Left out of the JSON when null, so unsigned updates read as before signing existed.
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String keyId;
    /** Base64 HMAC-SHA256 of the update's canonical form ({@link ModelUpdateSigner}); null when unsigned. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String signature;

    public ModelUpdate() {}
}
