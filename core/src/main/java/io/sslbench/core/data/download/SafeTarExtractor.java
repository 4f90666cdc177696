package io.sslbench.core.data.download;

import io.sslbench.core.util.AtomicFiles;
import io.sslbench.core.util.Hashing;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Extracts a {@code .tar.gz} without letting any entry land outside the target directory.
 *
 * <p>Refused (the whole extraction fails, nothing is left behind): entries with an absolute path, entries whose
 * normalised path leaves the target ({@code ../evil}), symbolic links whose target is absolute or whose real
 * resolution leaves the target, hard links to anything but a regular file extracted inside it, device and FIFO
 * entries, and entries that would be written through a previously extracted symbolic link, whether it is a folder on
 * their way or their own name. A link's real resolution follows, component by component, the links already
 * extracted (so a chain {@code a -> .}, {@code b -> a/..} is seen to leave the folder although each name looks
 * inside); every link is checked again once the whole archive is extracted, as a later link can move what an
 * earlier one points at. Entries are first extracted into a fresh temporary
 * directory inside the target; only when the whole archive was read are its top-level entries moved into the
 * target, so an interrupted extraction never leaves a half-extracted data set under its final name.
 */
public final class SafeTarExtractor {
    private SafeTarExtractor() {}

    /**
     * @param archive a gzip-compressed tar
     * @param target  directory to extract into (created if needed); top-level names must not exist there yet
     * @return SHA-256 (hex) of every extracted regular file, keyed by its path relative to {@code target}
     */
    public static Map<String, String> extract(Path archive, Path target) {
        Path dest;
        Path tmp;
        try {
            Files.createDirectories(target);
            dest = target.toRealPath();
            tmp = Files.createTempDirectory(dest, ".extract-");
        } catch (IOException e) {
            throw new DownloadException(target, "cannot prepare extraction directory: " + e.getMessage(), e);
        }
        Map<String, String> hashes = new LinkedHashMap<>();
        try {
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                 TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw, 1 << 16))) {
                TarArchiveEntry e;
                while ((e = tar.getNextTarEntry()) != null) {
                    extractEntry(archive, tar, e, tmp, hashes);
                }
            } catch (IOException e) {
                throw new DownloadException(archive, "corrupt or truncated archive: " + e.getMessage(), e);
            }
            recheckLinks(archive, tmp);
            List<Path> tops;
            try (Stream<Path> s = Files.list(tmp)) {
                tops = s.toList();
            }
            for (Path top : tops) {
                Path finalPath = dest.resolve(top.getFileName().toString());
                if (Files.exists(finalPath, LinkOption.NOFOLLOW_LINKS)) {
                    throw new DownloadException(finalPath, "already exists; remove it before extracting "
                            + archive.getFileName() + " again");
                }
            }
            for (Path top : tops) {
                Files.move(top, dest.resolve(top.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
            }
            return hashes;
        } catch (IOException e) {
            throw new DownloadException(archive, "extraction into " + target + " failed: " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteTree(tmp); // best effort: a leftover .extract-* directory is never read as data
        }
    }

    private static void extractEntry(Path archive, TarArchiveInputStream tar, TarArchiveEntry e, Path root,
                                     Map<String, String> hashes) throws IOException {
        String name = e.getName();
        Path out = checkedPath(archive, root, name);
        if (out.equals(root)) {
            return; // "./"
        }
        if (e.isDirectory()) {
            ensureNoLinkOnTheWay(archive, root, out, name); // includes out itself: a link named like the folder
            Files.createDirectories(out);
            return;
        }
        if (e.isSymbolicLink()) {
            String link = e.getLinkName();
            if (link.startsWith("/") || Path.of(link).isAbsolute()) {
                throw refuse(archive, name, "symbolic link to absolute path " + link);
            }
            ensureNoLinkOnTheWay(archive, root, out.getParent(), name);
            if (resolveInside(root, out.getParent(), link, 0) == null) {
                throw refuse(archive, name, "symbolic link to " + link + ", which resolves outside the target directory");
            }
            Files.createDirectories(out.getParent());
            replaceable(archive, root, out, name);
            Files.createSymbolicLink(out, Path.of(link));
            return;
        }
        if (e.isLink()) {
            checkedPath(archive, root, e.getLinkName());
            Path linked = resolveInside(root, root, e.getLinkName(), 0);
            if (linked == null || !Files.isRegularFile(linked, LinkOption.NOFOLLOW_LINKS)) {
                throw refuse(archive, name, "hard link to " + e.getLinkName()
                        + ", which is not a regular file extracted inside the target directory");
            }
            ensureNoLinkOnTheWay(archive, root, out.getParent(), name);
            Files.createDirectories(out.getParent());
            replaceable(archive, root, out, name);
            Files.copy(linked, out, LinkOption.NOFOLLOW_LINKS);
            String from = root.relativize(linked).toString().replace('\\', '/');
            if (hashes.containsKey(from)) {
                hashes.put(root.relativize(out).toString().replace('\\', '/'), hashes.get(from));
            }
            return;
        }
        if (!e.isFile()) {
            throw refuse(archive, name, "unsupported entry type (device, FIFO or other special file)");
        }
        ensureNoLinkOnTheWay(archive, root, out.getParent(), name);
        Files.createDirectories(out.getParent());
        replaceable(archive, root, out, name);
        MessageDigest md = Hashing.digest("SHA-256");
        try (OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = tar.read(buf)) > 0) {
                os.write(buf, 0, n);
                md.update(buf, 0, n);
            }
        }
        hashes.put(root.relativize(out).toString().replace('\\', '/'), HexFormat.of().formatHex(md.digest()));
    }

    /** @return root/name normalised, refusing absolute names and names that leave root */
    private static Path checkedPath(Path archive, Path root, String name) {
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*") || Path.of(name).isAbsolute()) {
            throw refuse(archive, name, "absolute path");
        }
        Path out = root.resolve(name).normalize();
        if (!out.startsWith(root)) {
            throw refuse(archive, name, "path leaves the target directory");
        }
        return out;
    }

    /**
     * Makes room for an entry at {@code out}: never through a symbolic link of that name (refused); a regular file
     * of that name (an archive may repeat an entry) is replaced, as tar does.
     */
    private static void replaceable(Path archive, Path root, Path out, String name) throws IOException {
        if (Files.isSymbolicLink(out)) {
            throw refuse(archive, name, "would be written through the symbolic link " + root.relativize(out));
        }
        if (Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(out);
        }
    }

    /**
     * Resolves a relative link target the way the file system will, one component at a time from the real folder
     * {@code from}: {@code ..} goes to the parent of where the resolution really is, and every symbolic link met
     * (one extracted earlier) is followed in turn.
     *
     * @return the real path, or null if any step leaves {@code root} (or the links nest deeper than 40)
     */
    static Path resolveInside(Path root, Path from, String link, int depth) {
        if (depth > 40 || Path.of(link).isAbsolute() || link.startsWith("/")) {
            return null;
        }
        Path cur = from;
        for (Path part : Path.of(link)) {
            String c = part.toString();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            cur = c.equals("..") ? cur.getParent() : cur.resolve(c);
            if (cur == null || !cur.startsWith(root)) {
                return null;
            }
            if (Files.isSymbolicLink(cur)) {
                try {
                    cur = resolveInside(root, cur.getParent(), Files.readSymbolicLink(cur).toString(), depth + 1);
                } catch (IOException e) {
                    return null;
                }
                if (cur == null) {
                    return null;
                }
            }
        }
        return cur;
    }

    /** Every symbolic link of the extracted tree, checked again now that no later entry can move its target. */
    private static void recheckLinks(Path archive, Path root) throws IOException {
        List<Path> links;
        try (Stream<Path> s = Files.walk(root)) { // does not follow links
            links = s.filter(Files::isSymbolicLink).toList();
        }
        for (Path l : links) {
            if (resolveInside(root, l.getParent(), Files.readSymbolicLink(l).toString(), 0) == null) {
                throw refuse(archive, root.relativize(l).toString(), "symbolic link to " + Files.readSymbolicLink(l)
                        + ", which resolves outside the target directory once later entries are in place");
            }
        }
    }

    /** Refuses to write below a symbolic link created by an earlier entry. */
    private static void ensureNoLinkOnTheWay(Path archive, Path root, Path dir, String name) {
        for (Path p = dir; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw refuse(archive, name, "would be written through the symbolic link " + root.relativize(p));
            }
        }
    }

    private static DownloadException refuse(Path archive, String entry, String why) {
        return new DownloadException(archive, "refused archive entry '" + entry + "': " + why
                + "; nothing was extracted");
    }

}
