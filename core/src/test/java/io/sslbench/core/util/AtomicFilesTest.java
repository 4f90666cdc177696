package io.sslbench.core.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFilesTest {

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileWholeAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("model.zip");
        AtomicFiles.writeString(f, "old content");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old content", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
        AtomicFiles.writeString(f, "new content");
        assertEquals("new content", Files.readString(f));
    }

    @Test
    void orphansAreTheTemporaryFilesOnly(@TempDir Path dir) throws IOException {
        Path keep = Files.writeString(dir.resolve("summary.json"), "{}");
        Path orphan = Files.writeString(dir.resolve("summary.json.8812.tmp"), "{\"res");
        Files.createDirectories(dir.resolve("sub.tmp"));
        assertEquals(List.of(orphan), AtomicFiles.deleteOrphans(dir));
        assertTrue(Files.exists(keep));
        assertTrue(Files.isDirectory(dir.resolve("sub.tmp")), "folders are not temporary files");
        assertEquals(List.of(), AtomicFiles.deleteOrphans(dir.resolve("absent")));
    }
}
