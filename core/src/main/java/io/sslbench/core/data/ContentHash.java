package io.sslbench.core.data;

import io.sslbench.core.util.Hashing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Hash of a data set's source content: SHA-256 over the lines {@code kind \n} then, per part in a fixed
 * order, {@code name \0 sha256(bytes) \n}. Identical bytes under identical part names give the same hash
 * wherever they are stored (compression is not part of the content: callers hash decompressed bytes).
 */
public final class ContentHash {
    private final MessageDigest outer = Hashing.digest("SHA-256");

    /** @param kind what is being hashed, e.g. "cifar10-binary"; part of the hash */
    public ContentHash(String kind) {
        outer.update((kind + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Adds one part whose bytes are given. */
    public ContentHash add(String partName, byte[] bytes, int off, int len) {
        MessageDigest inner = Hashing.digest("SHA-256");
        inner.update(bytes, off, len);
        return addDigest(partName, HexFormat.of().formatHex(inner.digest()));
    }

    /** Adds one part by its already computed SHA-256 hex digest. */
    public ContentHash addDigest(String partName, String sha256Hex) {
        outer.update((partName + "\0" + sha256Hex + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Adds a free-form qualifier (e.g. "first 1000 images"). */
    public ContentHash note(String text) {
        outer.update(("#" + text + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** @return the hex digest (the builder must not be used afterwards) */
    public String hex() {
        return HexFormat.of().formatHex(outer.digest());
    }

    /** @return SHA-256 hex of a byte range */
    static String sha256(byte[] bytes, int off, int len) {
        MessageDigest md = Hashing.digest("SHA-256");
        md.update(bytes, off, len);
        return HexFormat.of().formatHex(md.digest());
    }
}
