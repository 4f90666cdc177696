package io.sslbench.core.util;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whole-file writes that a crash cannot tear: the content goes to a temporary file beside the target
 * ({@code <name>.<random>.tmp}), is forced to disk, then renamed over the target in one atomic step. A reader sees
 * the old file or the new one, never a part. A process killed mid-write leaves only the temporary file, which
 * {@link #deleteOrphans} removes on the next start.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes a file's content to a stream (which the caller must not close). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The suffix of every temporary file this class writes. */
    public static final String TMP_SUFFIX = ".tmp";

    /** Replaces {@code target} atomically with what {@code content} writes. */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName() + ".", TMP_SUFFIX);
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                content.writeTo(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the rename itself survives a power loss
            } catch (IOException e) {
                // not every file system lets a directory be opened for fsync; the rename is atomic regardless
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(b));
    }

    /**
     * Deletes the temporary files ({@code *.tmp}) a killed {@link #write} left in {@code dir} (not recursive; an
     * absent folder has none).
     *
     * @return the files deleted
     */
    public static List<Path> deleteOrphans(Path dir) throws IOException {
        List<Path> deleted = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return deleted;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + TMP_SUFFIX)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                    deleted.add(p);
                }
            }
        }
        return deleted;
    }

    /**
     * Deletes a directory tree, best effort (links are deleted, not followed; files that cannot be deleted stay).
     *
     * @param dir the tree's root (nothing happens when it does not exist)
     */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) { // does not follow links
            s.forEach(all::add);
        } catch (IOException ignored) {
            return;
        }
        all.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : all) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
