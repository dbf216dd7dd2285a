package dev.ember.registry;

import java.util.Base64;
import java.util.HexFormat;

/**
 * A deployment package in the content-addressed code store.
 *
 * @param sha256 base64 of the SHA-256 of the zip, exactly as AWS reports {@code CodeSha256}
 * @param size   the zip's size in bytes ({@code CodeSize})
 */
public record CodeInfo(String sha256, long size) {

    /** The digest in lower-case hex: the blob's file name in the store. */
    public String hex() {
        return HexFormat.of().formatHex(Base64.getDecoder().decode(sha256));
    }
}
