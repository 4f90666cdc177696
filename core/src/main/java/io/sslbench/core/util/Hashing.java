package io.sslbench.core.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 and MD5 helpers used for provenance, caches and download verification. */
public final class Hashing {
    private Hashing() {}

    public static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }

    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(data));
    }

    /** @return hex digest of a file's bytes, streamed */
    public static String fileHex(Path file, String algorithm) {
        MessageDigest md = digest(algorithm);
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
