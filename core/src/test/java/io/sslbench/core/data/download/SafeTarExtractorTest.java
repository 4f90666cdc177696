package io.sslbench.core.data.download;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Malicious archives built here, entry by entry (issue 16, item 7): nothing may be written or read outside. */
class SafeTarExtractorTest {

    /** One tar entry: a regular file (content), a symbolic link or a hard link (target). */
    record Entry(String name, byte type, String target, String content) {
        static Entry file(String name, String content) {
            return new Entry(name, TarArchiveEntry.LF_NORMAL, null, content);
        }

        static Entry symlink(String name, String target) {
            return new Entry(name, TarArchiveEntry.LF_SYMLINK, target, null);
        }

        static Entry hardlink(String name, String target) {
            return new Entry(name, TarArchiveEntry.LF_LINK, target, null);
        }
    }

    static Path tarGz(Path file, Entry... entries) throws IOException {
        try (OutputStream fo = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(fo))) {
            for (Entry e : entries) {
                TarArchiveEntry te = new TarArchiveEntry(e.name(), e.type());
                if (e.target() != null) {
                    te.setLinkName(e.target());
                    tar.putArchiveEntry(te);
                } else {
                    byte[] b = e.content().getBytes(StandardCharsets.UTF_8);
                    te.setSize(b.length);
                    tar.putArchiveEntry(te);
                    tar.write(b);
                }
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    /** a -> ., b -> a/.., c -> b/..: each link lexically inside the folder, the chain two levels above it. */
    static final List<Entry> CHAIN = List.of(Entry.symlink("a", "."), Entry.symlink("b", "a/.."),
            Entry.symlink("c", "b/.."));

    static Entry[] chainThen(Entry... more) {
        return Stream.concat(CHAIN.stream(), Stream.of(more)).toArray(Entry[]::new);
    }

    static List<String> listAll(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).filter(p -> !p.isEmpty()).sorted().toList();
        }
    }

    @Test
    void aSymlinkChainThatLeavesTheFolderIsRefusedAndNothingIsWrittenOutside(@TempDir Path tmp) throws IOException {
        Path above = Files.createDirectories(tmp.resolve("above"));
        Path target = above.resolve("data");
        List<Entry[]> attacks = List.of(
                chainThen(Entry.file("c/evil.txt", "pwned")),                      // a file through the chain
                chainThen(Entry.symlink("d", "c/evil.txt"), Entry.file("d", "pwned")), // reusing a link's name
                chainThen(Entry.symlink("d", "c"), Entry.file("d/evil.txt", "pwned")));
        int i = 0;
        for (Entry[] attack : attacks) {
            Path tgz = tarGz(tmp.resolve("evil" + i++ + ".tar.gz"), attack);
            DownloadException e = assertThrows(DownloadException.class, () -> SafeTarExtractor.extract(tgz, target));
            assertTrue(e.getMessage().contains("refused archive entry"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("evil.txt"), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(above.resolve("evil.txt"), LinkOption.NOFOLLOW_LINKS));
            assertEquals(List.of("data"), listAll(above), "nothing left beside the target");
            assertEquals(List.of(), listAll(target), "nothing extracted");
        }
    }

    @Test
    void aHardLinkThroughTheChainCannotCopyAnOutsideFileIn(@TempDir Path tmp) throws IOException {
        Path above = Files.createDirectories(tmp.resolve("above"));
        Files.writeString(above.resolve("secret.txt"), "secret");
        Path target = above.resolve("data");
        Path tgz = tarGz(tmp.resolve("steal.tar.gz"), chainThen(Entry.hardlink("stolen", "c/secret.txt")));
        DownloadException e = assertThrows(DownloadException.class, () -> SafeTarExtractor.extract(tgz, target));
        assertTrue(e.getMessage().contains("refused archive entry"), e.getMessage());
        assertEquals(List.of(), listAll(target));
        // a hard link that names a regular file outside without any symlink is refused too
        Path plain = tarGz(tmp.resolve("plain.tar.gz"), Entry.hardlink("stolen", "../secret.txt"));
        assertThrows(DownloadException.class, () -> SafeTarExtractor.extract(plain, target));
        assertEquals(List.of(), listAll(target));
    }

    @Test
    void linksThatStayInsideStillWork(@TempDir Path tmp) throws IOException {
        Path target = tmp.resolve("data");
        Path tgz = tarGz(tmp.resolve("ok.tar.gz"), Entry.file("set/v1/a.bin", "A"), Entry.symlink("set/latest", "v1"),
                Entry.symlink("set/up", "latest/.."), Entry.hardlink("set/copy.bin", "set/v1/a.bin"));
        Map<String, String> hashes = SafeTarExtractor.extract(tgz, target);
        assertEquals("A", Files.readString(target.resolve("set/latest/a.bin")));
        assertEquals("A", Files.readString(target.resolve("set/copy.bin")));
        assertTrue(Files.isSymbolicLink(target.resolve("set/up")));
        assertEquals(hashes.get("set/v1/a.bin"), hashes.get("set/copy.bin"));
    }
}
