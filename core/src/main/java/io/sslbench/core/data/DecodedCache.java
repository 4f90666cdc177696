package io.sslbench.core.data;

import io.sslbench.core.util.Hashing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * On-disk cache of decoded {@link ImageDataset}s, so that a folder of JPEGs is decoded once.
 *
 * <p>One file per source ({@code decoded-<hash of source id>.u8}); it stores the source's key (a hash of its
 * file list, sizes and modification times, see {@link ImageFolderReader.Listing#cacheKey()}) and the data
 * set's content hash. A stored key that differs from the current one (the source changed), or a damaged
 * file, is a miss: the caller decodes again and {@link #put} replaces the file. Files are written to a temporary
 * name and renamed, so a reader never sees a half-written cache.
 *
 * <p>Format: "SSLBDEC1", key, name, sha256, class count and names (modified UTF-8), H, W, C, N (int32 BE),
 * N labels (int32 BE), N*H*W*C pixel bytes (images in order; a data set's chunks are written one after the other
 * and read back chunk by chunk, so the file may exceed 2 GiB and its format does not depend on the chunking).
 */
public final class DecodedCache {
    private static final String MAGIC = "SSLBDEC1";
    private final Path dir;
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicInteger misses = new AtomicInteger();

    /** @param dir directory holding the cache files (created on first write) */
    public DecodedCache(Path dir) {
        this.dir = dir;
    }

    /**
     * Chooses where to cache a source: the data root's {@code .cache/} if writable, else a
     * {@code .sslbench-cache/} next to the source if writable, else {@code ~/.cache/sslbench/decoded}.
     *
     * @param dataRoot the data root, or null when the source is not under one
     * @param source   the folder being cached
     */
    public static DecodedCache locate(Path dataRoot, Path source) {
        List<Path> candidates = new ArrayList<>();
        if (dataRoot != null) {
            candidates.add(dataRoot.resolve(".cache"));
        }
        Path parent = source.toAbsolutePath().normalize().getParent();
        if (parent != null) {
            candidates.add(parent.resolve(".sslbench-cache"));
        }
        Path user = Path.of(System.getProperty("user.home"), ".cache", "sslbench", "decoded");
        for (Path c : candidates) {
            if (writable(c)) {
                return new DecodedCache(c);
            }
        }
        return new DecodedCache(user);
    }

    private static boolean writable(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    public Path dir() {
        return dir;
    }

    /** @return number of {@link #get} calls answered from disk */
    public int hits() {
        return hits.get();
    }

    /** @return number of {@link #get} calls that found no valid, current entry */
    public int misses() {
        return misses.get();
    }

    /** @return the cache file of a source id */
    public Path fileFor(String sourceId) {
        String h = Hashing.sha256Hex(sourceId.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        return dir.resolve("decoded-" + h + ".u8");
    }

    /**
     * @param sourceId identifies the source (e.g. its absolute path and the data set name)
     * @param key      the source's current key
     * @return the cached data set, or null if absent, stale (other key) or damaged
     */
    public ImageDataset get(String sourceId, String key) {
        return get(sourceId, key, 0);
    }

    /**
     * {@link #get(String, String)} into chunks of {@code chunkImages} images (0: {@link ImageDataset}'s default).
     */
    ImageDataset get(String sourceId, String key, int chunkImages) {
        Path f = fileFor(sourceId);
        if (!Files.isRegularFile(f)) {
            misses.incrementAndGet();
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
            byte[] magic = in.readNBytes(MAGIC.length());
            if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII)) || !key.equals(in.readUTF())) {
                misses.incrementAndGet();
                return null;
            }
            String name = in.readUTF();
            String sha = in.readUTF();
            int nc = in.readInt();
            List<String> classes = new ArrayList<>(nc);
            for (int i = 0; i < nc; i++) {
                classes.add(in.readUTF());
            }
            int h = in.readInt(), w = in.readInt(), c = in.readInt(), n = in.readInt();
            long per = (long) h * w * c;
            if (h <= 0 || w <= 0 || c <= 0 || n < 0 || per > Integer.MAX_VALUE
                    || Files.size(f) < per * n + 4L * n) {
                misses.incrementAndGet();
                return null;
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = in.readInt();
            }
            int m = chunkImages > 0 ? chunkImages : ImageDataset.defaultChunkImages(per);
            List<byte[]> px = ImageDataset.allocateChunks(n, (int) per, m);
            for (byte[] chunk : px) {
                in.readFully(chunk);
            }
            if (in.read() != -1) {
                misses.incrementAndGet();
                return null;
            }
            ImageDataset ds = ImageDataset.ofChunks(name, h, w, c, px, m, labels, classes, sha);
            hits.incrementAndGet();
            return ds;
        } catch (EOFException | IllegalArgumentException e) {
            misses.incrementAndGet();
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read decoded cache " + f, e);
        }
    }

    /** Stores {@code ds} for {@code sourceId} under {@code key}, atomically replacing any older entry. */
    public void put(String sourceId, String key, ImageDataset ds) {
        Path f = fileFor(sourceId);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, f.getFileName().toString(), ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
                out.writeUTF(key);
                out.writeUTF(ds.name());
                out.writeUTF(ds.sha256());
                out.writeInt(ds.classNames().size());
                for (String s : ds.classNames()) {
                    out.writeUTF(s);
                }
                out.writeInt(ds.height());
                out.writeInt(ds.width());
                out.writeInt(ds.channels());
                out.writeInt(ds.size());
                for (int l : ds.labels()) {
                    out.writeInt(l);
                }
                for (int k = 0; k < ds.numChunks(); k++) {
                    out.write(ds.chunk(k));
                }
            }
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write decoded cache " + f, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary name is never read
                }
            }
        }
    }
}
