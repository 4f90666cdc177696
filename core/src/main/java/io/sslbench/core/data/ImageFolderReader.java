package io.sslbench.core.data;

import io.sslbench.core.util.Hashing;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a folder of JPEG/PNG images into an RGB {@link ImageDataset}, as torchvision's {@code ImageFolder} does.
 *
 * <p>Labelled layout: one sub-folder per class, {@code dir/<class>/**}{@code /<image>}; class index = position of
 * the folder name in the sorted (code point order) list of class folders; images sorted by relative path.
 * Unlabelled layout: images directly in {@code dir} (labels -1, no classes). Files whose extension is not
 * .jpg/.jpeg/.png (any case) and hidden entries are ignored, like torchvision's extension filter; a file with
 * an image extension that cannot be decoded is an error naming it. All images must share one size.
 *
 * <p>Every image is converted to 3-channel RGB (grayscale replicated, alpha dropped), like PIL's
 * {@code convert("RGB")} in torchvision's default loader. Decoding runs on {@code threads} threads; a
 * {@link DecodedCache} skips it when the folder is unchanged.
 */
public final class ImageFolderReader {
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png");

    static {
        ImageIO.setUseCache(false);
    }

    /** One image file of a folder. @param label class index or -1 */
    public record Entry(Path file, String relativePath, int label, long size, long mtimeMillis) {}

    /** The files of a folder, in data set order. @param classNames empty for the unlabelled layout */
    public record Listing(Path dir, List<String> classNames, List<Entry> entries) {
        /** @return the cache key: SHA-256 over relative paths, labels, sizes and modification times */
        public String cacheKey() {
            StringBuilder sb = new StringBuilder("imagefolder-listing-v1\n").append(classNames).append('\n');
            for (Entry e : entries) {
                sb.append(e.relativePath()).append('\t').append(e.label()).append('\t').append(e.size())
                        .append('\t').append(e.mtimeMillis()).append('\n');
            }
            return Hashing.sha256Hex(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A decoded image: H x W x 3 RGB bytes. */
    public record Rgb(int height, int width, byte[] hwc) {}

    private ImageFolderReader() {}

    /** @return the image files of {@code dir} in data set order (labelled or flat layout, see class doc) */
    public static Listing list(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir, "not a directory");
        }
        List<Path> subdirs = new ArrayList<>();
        List<Path> topImages = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (hidden(p)) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    subdirs.add(p);
                } else if (isImage(p)) {
                    topImages.add(p);
                }
            }
        } catch (IOException e) {
            throw new DataException(dir, "cannot list: " + e.getMessage(), e);
        }
        subdirs.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        if (!topImages.isEmpty() && !subdirs.isEmpty()) {
            throw new DataException(dir, "mixes images (" + topImages.get(0).getFileName() + ", ...) and "
                    + "sub-folders (" + subdirs.get(0).getFileName() + ", ...): use either one folder per class "
                    + "or a flat folder of images");
        }
        List<Entry> entries = new ArrayList<>();
        if (!topImages.isEmpty()) {
            for (Path p : topImages) {
                entries.add(entry(dir, p, -1));
            }
            return new Listing(dir, List.of(), entries);
        }
        if (subdirs.isEmpty()) {
            throw new DataException(dir, "holds no images (.jpg/.jpeg/.png) and no class folders");
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < subdirs.size(); c++) {
            Path sub = subdirs.get(c);
            classes.add(sub.getFileName().toString());
            List<Entry> files = walkImages(dir, sub, c);
            if (files.isEmpty()) {
                throw new DataException(sub, "class folder '" + classes.get(c) + "' holds no .jpg/.jpeg/.png images");
            }
            entries.addAll(files);
        }
        return new Listing(dir, classes, entries);
    }

    /**
     * Reads and decodes the folder (or loads it from {@code cache} when its listing is unchanged).
     *
     * @param dir     the folder
     * @param name    data set name, e.g. "cifar10/train"
     * @param cache   decoded-tensor cache, or null for none
     * @param threads decoding threads (>= 1)
     * @return N x H x W x 3 images; sha256 covers relative paths and file bytes
     */
    public static ImageDataset read(Path dir, String name, DecodedCache cache, int threads) {
        Listing listing = list(dir);
        if (cache != null) {
            String key = listing.cacheKey();
            String sourceId = dir.toAbsolutePath().normalize() + "|" + name;
            ImageDataset hit = cache.get(sourceId, key);
            if (hit != null) {
                return hit;
            }
            ImageDataset ds = decode(listing, name, threads);
            cache.put(sourceId, key, ds);
            return ds;
        }
        return decode(listing, name, threads);
    }

    /** Decodes every image of a listing on {@code threads} threads. */
    public static ImageDataset decode(Listing listing, String name, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        List<Entry> entries = listing.entries();
        int n = entries.size();
        Entry first = entries.get(0);
        byte[] firstBytes = readBytes(first);
        Rgb ref = decodeRgb(firstBytes, first.file());
        int per = ref.height() * ref.width() * 3;
        int chunkImages = ImageDataset.defaultChunkImages(per);
        List<byte[]> px = ImageDataset.allocateChunks(n, per, chunkImages);
        String[] digests = new String[n];
        System.arraycopy(ref.hwc(), 0, px.get(0), 0, per);
        digests[0] = ContentHash.sha256(firstBytes, 0, firstBytes.length);
        parallel(listing.dir(), 1, n, threads, i -> {
            Entry e = entries.get(i);
            byte[] bytes = readBytes(e);
            Rgb img = decodeRgb(bytes, e.file());
            // DEVIATION: torchvision's ImageFolder accepts mixed sizes (a transform resizes); we require one.
            if (img.height() != ref.height() || img.width() != ref.width()) {
                throw new DataException(e.file(), "image " + i + " is " + img.height() + "x"
                        + img.width() + " (HxW) but " + first.relativePath() + " is " + ref.height()
                        + "x" + ref.width() + "; all images of an ImageFolder must share one size");
            }
            System.arraycopy(img.hwc(), 0, px.get(i / chunkImages), (i % chunkImages) * per, per);
            digests[i] = ContentHash.sha256(bytes, 0, bytes.length);
        });
        ContentHash hash = new ContentHash("imagefolder").note("classes " + listing.classNames());
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            hash.addDigest(entries.get(i).relativePath(), digests[i]);
            labels[i] = entries.get(i).label();
        }
        return ImageDataset.ofChunks(name, ref.height(), ref.width(), 3, px, chunkImages, labels,
                listing.classNames(), hash.hex());
    }

    /**
     * Decodes every image of a listing exactly as {@link #decode} does, on {@code threads} threads, without keeping
     * the pixels, and collects every failure instead of stopping at the first.
     *
     * @return one message per bad file, in listing order, each starting with the file's path and naming the cause
     *         (unreadable, truncated, not an image, or a size other than the first readable image's)
     */
    public static List<String> unreadable(Listing listing, int threads) {
        List<Entry> entries = listing.entries();
        int n = entries.size();
        String[] problems = new String[n];
        int[][] sizes = new int[n][];
        parallel(listing.dir(), 0, n, threads, i -> {
            try {
                Rgb img = decodeRgb(readBytes(entries.get(i)), entries.get(i).file());
                sizes[i] = new int[]{img.height(), img.width()};
            } catch (DataException e) {
                problems[i] = e.getMessage();
            }
        });
        int[] ref = Arrays.stream(sizes).filter(Objects::nonNull).findFirst().orElse(null);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (problems[i] != null) {
                out.add(problems[i]);
            } else if (sizes[i][0] != ref[0] || sizes[i][1] != ref[1]) {
                out.add(entries.get(i).file() + ": is " + sizes[i][0] + "x" + sizes[i][1] + " (HxW), the other images "
                        + ref[0] + "x" + ref[1] + "; all images of an ImageFolder must share one size");
            }
        }
        return out;
    }

    /** Runs {@code body} for every index of [from, to) on {@code threads} threads; the first failure is rethrown. */
    private static void parallel(Path dir, int from, int to, int threads, IntConsumer body) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imagefolder-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> jobs = new ArrayList<>();
            int n = to - from;
            int chunk = Math.max(1, (n + threads * 8 - 1) / (threads * 8));
            for (int lo = from; lo < to; lo += chunk) {
                int a = lo, b = Math.min(to, lo + chunk);
                jobs.add(pool.submit(() -> {
                    for (int i = a; i < b; i++) {
                        body.accept(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                try {
                    f.get();
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new DataException(dir, "decoding failed", ex.getCause());
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new DataException(dir, "interrupted while decoding");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Decodes one JPEG or PNG to RGB. Decoder warnings (e.g. libjpeg's "premature end of data", which would
     * otherwise yield a grey-filled image) are errors.
     *
     * @param bytes the encoded file
     * @param file  its path, for messages
     */
    public static Rgb decodeRgb(byte[] bytes, Path file) {
        BufferedImage img;
        // DEVIATION: decoded by the JDK's ImageIO (libjpeg 6b based), not PIL/libjpeg-turbo as in torchvision.
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new DataException(file, "unreadable image: not a JPEG or PNG (no decoder recognises its "
                        + bytes.length + " bytes)");
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(iis, true, true);
                reader.addIIOReadWarningListener((src, msg) -> warnings.add(msg));
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
            if (!warnings.isEmpty()) {
                throw new DataException(file, "unreadable image (corrupt or truncated): " + String.join("; ", warnings));
            }
        } catch (IIOException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new DataException(file, "unreadable image (corrupt or truncated): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read image: " + e.getMessage(), e);
        }
        return toRgb(img);
    }

    /** @return HWC RGB bytes of a decoded image (grayscale replicated without colour conversion) */
    static Rgb toRgb(BufferedImage img) {
        int h = img.getHeight(), w = img.getWidth();
        byte[] out = new byte[h * w * 3];
        int type = img.getType();
        if ((type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_BYTE_GRAY)
                && img.getRaster().getSampleModel() instanceof ComponentSampleModel sm
                && img.getRaster().getDataBuffer() instanceof DataBufferByte db
                && img.getRaster().getSampleModelTranslateX() == 0 && img.getRaster().getSampleModelTranslateY() == 0) {
            byte[] src = db.getData();
            int stride = sm.getScanlineStride(), ps = sm.getPixelStride();
            int[] bo = sm.getBandOffsets();
            int base = db.getOffset();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int s = base + y * stride + x * ps, d = (y * w + x) * 3;
                    if (type == BufferedImage.TYPE_BYTE_GRAY) {
                        byte g = src[s + bo[0]];
                        out[d] = g;
                        out[d + 1] = g;
                        out[d + 2] = g;
                    } else {
                        out[d] = src[s + bo[0]];
                        out[d + 1] = src[s + bo[1]];
                        out[d + 2] = src[s + bo[2]];
                    }
                }
            }
            return new Rgb(h, w, out);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int p = 0; p < argb.length; p++) {
            out[3 * p] = (byte) (argb[p] >> 16);
            out[3 * p + 1] = (byte) (argb[p] >> 8);
            out[3 * p + 2] = (byte) argb[p];
        }
        return new Rgb(h, w, out);
    }

    private static byte[] readBytes(Entry e) {
        try {
            return Files.readAllBytes(e.file());
        } catch (IOException ex) {
            throw new DataException(e.file(), "cannot read image: " + ex.getMessage(), ex);
        }
    }

    /** @return the images below {@code sub} (hidden entries skipped), sorted by relative path; one stat per file */
    private static List<Entry> walkImages(Path dir, Path sub, int label) {
        List<Entry> out = new ArrayList<>();
        try {
            // symbolic links are followed (a class folder linked from elsewhere is read like any other, by pretrain
            // and verify alike); a link cycle is an error
            Files.walkFileTree(sub, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    return !d.equals(sub) && hidden(d) ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                    if (a.isRegularFile() && !hidden(f) && isImage(f)) {
                        out.add(new Entry(f, dir.relativize(f).toString().replace('\\', '/'), label, a.size(),
                                a.lastModifiedTime().toMillis()));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new DataException(sub, "cannot list: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Entry::relativePath));
        return out;
    }

    private static Entry entry(Path dir, Path p, int label) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new Entry(p, dir.relativize(p).toString().replace('\\', '/'), label, a.size(),
                    a.lastModifiedTime().toMillis());
        } catch (IOException e) {
            throw new DataException(p, "cannot stat: " + e.getMessage(), e);
        }
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

}
