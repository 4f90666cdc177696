package io.sslbench.core.data.download;

import io.sslbench.core.util.Hashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** A file:// mirror is read and verified like a download; other schemes are refused by name (issue 16, item 9). */
class DownloaderSchemeTest {
    private static String md5(byte[] b) {
        return HexFormat.of().formatHex(Hashing.digest("MD5").digest(b));
    }

    @Test
    void aFileUrlIsCopiedAndVerified(@TempDir Path dir) throws Exception {
        byte[] content = "cifar bytes".getBytes(StandardCharsets.UTF_8);
        Path mirror = Files.createDirectories(dir.resolve("mirror"));
        Files.write(mirror.resolve("a.bin"), content);
        Path target = dir.resolve("data/a.bin");
        new Downloader(null).download(mirror.resolve("a.bin").toUri(), target, md5(content));
        assertArrayEquals(content, Files.readAllBytes(target));

        DownloadException wrong = assertThrows(DownloadException.class,
                () -> new Downloader(null).download(mirror.resolve("a.bin").toUri(), dir.resolve("b.bin"), md5(new byte[1])));
        assertTrue(wrong.getMessage().contains("checksum mismatch"), wrong.getMessage());
        assertFalse(Files.exists(dir.resolve("b.bin")));

        DownloadException missing = assertThrows(DownloadException.class,
                () -> new Downloader(null).download(mirror.resolve("nope.bin").toUri(), dir.resolve("c.bin"), md5(content)));
        assertTrue(missing.getMessage().contains("nope.bin"), missing.getMessage());
    }

    @Test
    void anUnsupportedSchemeIsRefusedByName(@TempDir Path dir) {
        DownloadException e = assertThrows(DownloadException.class,
                () -> new Downloader(null).download(URI.create("ftp://example.org/a.bin"), dir.resolve("a.bin"), "00"));
        assertTrue(e.getMessage().contains("unsupported URL scheme 'ftp'"), e.getMessage());
    }
}
