package io.onlinelstm.training;

import io.onlinelstm.io.ModelUpdateSigner;
import java.io.Serializable;

/**
 * Where and how the trainer publishes versions.
 *
 * @param storeUri the job's model store ({@link ModelStore})
 * @param retainVersions committed versions kept in the store; older ones are deleted (at least 1)
 * @param jobName the job name the updates are signed for
 * @param signer signs every update; null publishes them unsigned
 */
public record PublishSettings(String storeUri, int retainVersions, String jobName, ModelUpdateSigner signer)
        implements Serializable {

    public static final int DEFAULT_RETAIN_VERSIONS = 10;

    public PublishSettings {
        if (storeUri == null || storeUri.isBlank()) {
            throw new IllegalArgumentException("The trainer needs a model store URI");
        }
        if (retainVersions < 1) {
            throw new IllegalArgumentException("model.store.retention-versions must be at least 1 (the serving"
                    + " version is never deleted), got " + retainVersions);
        }
    }

    /** Unsigned, with the default retention. */
    public static PublishSettings of(String storeUri) {
        return new PublishSettings(storeUri, DEFAULT_RETAIN_VERSIONS, "", null);
    }
}
