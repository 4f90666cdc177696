package io.sslbench.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A labelled (or unlabelled) image data set held in memory as uint8 pixels, immutable by convention (the
 * arrays are shared, not copied).
 *
 * <p>Layout: images in HWC order (row-major, channels interleaved, as decoded from JPEG/PNG and as
 * torchvision's PIL images are), values 0..255 stored as signed bytes (read with {@code & 0xFF}); grayscale
 * sets have C = 1. The images are stored in chunks of {@link #imagesPerChunk()} whole images each, because one
 * Java array holds at most 2^31 - 1 bytes and STL-10's unlabelled split alone is 2.76 GB: image {@code i} is
 * {@code chunk(i)[offset(i) .. offset(i) + H*W*C)}. Sets below {@link #CHUNK_BYTES} are one chunk, and then
 * {@link #pixels()} is the whole array.
 */
public final class ImageDataset {
    /** Largest chunk the readers allocate: 1 GiB, well below the array limit. */
    public static final long CHUNK_BYTES = 1L << 30;

    private final String name;
    private final int height, width, channels;
    private final byte[][] chunks;
    private final int imagesPerChunk;
    private final int[] labels;
    private final List<String> classNames;
    private final String sha256;

    /**
     * A data set in one array.
     *
     * @param name       data set id and split, e.g. "cifar10/train"
     * @param height     image height H
     * @param width      image width W
     * @param channels   C (3 for RGB, 1 for grayscale)
     * @param pixels     N*H*W*C bytes, HWC per image
     * @param labels     N class indices in [0, classNames.size()), or -1 for unlabelled images
     * @param classNames class names in index order (empty for an unlabelled set)
     * @param sha256     hash identifying the source data (hex); goes into every result's provenance
     */
    public ImageDataset(String name, int height, int width, int channels, byte[] pixels, int[] labels,
                        List<String> classNames, String sha256) {
        this(name, height, width, channels, new byte[][]{Objects.requireNonNull(pixels, "pixels")},
                Math.max(1, Objects.requireNonNull(labels, "labels").length), labels, classNames, sha256);
    }

    private ImageDataset(String name, int height, int width, int channels, byte[][] chunks, int imagesPerChunk,
                         int[] labels, List<String> classNames, String sha256) {
        this.name = Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labels, "labels");
        this.classNames = List.copyOf(classNames);
        if (height <= 0 || width <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException(name + ": bad image geometry " + height + "x" + width + "x" + channels);
        }
        if (imagesPerChunk < 1) {
            throw new IllegalArgumentException(name + ": imagesPerChunk must be >= 1, got " + imagesPerChunk);
        }
        long per = (long) height * width * channels;
        long expectedChunks = labels.length == 0 ? 1 : (labels.length + (long) imagesPerChunk - 1) / imagesPerChunk;
        if (chunks.length != expectedChunks) {
            throw new IllegalArgumentException(name + ": " + chunks.length + " pixel chunks for " + labels.length
                    + " images of " + imagesPerChunk + " per chunk (expected " + expectedChunks + ")");
        }
        for (int k = 0; k < chunks.length; k++) {
            long images = Math.min(imagesPerChunk, labels.length - (long) k * imagesPerChunk);
            if (chunks[k] == null || chunks[k].length != per * Math.max(0, images)) {
                throw new IllegalArgumentException(name + ": " + (chunks[k] == null ? "no" : chunks[k].length)
                        + " pixel bytes in chunk " + k + " for " + Math.max(0, images) + " images of " + per + " bytes");
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < -1 || labels[i] >= Math.max(this.classNames.size(), 0) && labels[i] != -1) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i
                        + " out of range [0," + this.classNames.size() + ")");
            }
        }
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.chunks = chunks;
        this.imagesPerChunk = imagesPerChunk;
        this.labels = labels;
        this.sha256 = sha256;
    }

    /**
     * A data set stored in chunks (see the class comment), e.g. from {@link #allocate}.
     *
     * @param chunks         the pixel chunks: chunk k holds images {@code [k*imagesPerChunk, ...)}, all full but
     *                       the last, each exactly as long as its images
     * @param imagesPerChunk images per chunk, >= 1
     */
    public static ImageDataset chunked(String name, int height, int width, int channels, byte[][] chunks,
                                       int imagesPerChunk, int[] labels, List<String> classNames, String sha256) {
        return new ImageDataset(name, height, width, channels, chunks.clone(), imagesPerChunk, labels, classNames,
                sha256);
    }

    /** @return images per chunk for images of {@code imageBytes} bytes: as many as fit in {@link #CHUNK_BYTES} */
    public static int imagesPerChunk(long imageBytes) {
        if (imageBytes < 1) {
            throw new IllegalArgumentException("imageBytes must be >= 1, got " + imageBytes);
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, CHUNK_BYTES / imageBytes));
    }

    /**
     * @return zeroed chunks for {@code n} images of {@code imageBytes} bytes, {@code imagesPerChunk} per chunk
     *         (one empty chunk when n = 0)
     */
    public static byte[][] allocate(long n, int imageBytes, int imagesPerChunk) {
        if (n < 0 || imageBytes < 1 || imagesPerChunk < 1 || (long) imagesPerChunk * imageBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot allocate " + n + " images of " + imageBytes + " bytes, "
                    + imagesPerChunk + " per chunk");
        }
        if (n == 0) {
            return new byte[][]{new byte[0]};
        }
        int k = (int) ((n + imagesPerChunk - 1) / imagesPerChunk);
        byte[][] out = new byte[k][];
        for (int c = 0; c < k; c++) {
            out[c] = new byte[(int) (Math.min(imagesPerChunk, n - (long) c * imagesPerChunk) * imageBytes)];
        }
        return out;
    }

    public String name() {
        return name;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int channels() {
        return channels;
    }

    /** @return the labels (the shared array: do not modify) */
    public int[] labels() {
        return labels;
    }

    public List<String> classNames() {
        return classNames;
    }

    public String sha256() {
        return sha256;
    }

    public int size() {
        return labels.length;
    }

    public int numClasses() {
        return classNames.size();
    }

    public int imageBytes() {
        return height * width * channels;
    }

    public int imagesPerChunk() {
        return imagesPerChunk;
    }

    public int chunkCount() {
        return chunks.length;
    }

    /** @return chunk {@code k} (the shared array: do not modify) */
    public byte[] chunkAt(int k) {
        return chunks[k];
    }

    /** @return the chunk holding image {@code image} */
    public byte[] chunk(int image) {
        checkIndex(image);
        return chunks[image / imagesPerChunk];
    }

    /** @return the index of image {@code image}'s first byte in {@link #chunk(int)} */
    public int offset(int image) {
        checkIndex(image);
        return (image % imagesPerChunk) * imageBytes();
    }

    /**
     * @return all pixels as one array (the shared array: do not modify)
     * @throws IllegalStateException if the set is stored in more than one chunk
     */
    public byte[] pixels() {
        if (chunks.length != 1) {
            throw new IllegalStateException(name + " is stored in " + chunks.length + " chunks of " + imagesPerChunk
                    + " images (" + (long) size() * imageBytes() + " bytes in all): read it per image (chunk/offset)");
        }
        return chunks[0];
    }

    /** Copies image {@code image} (H*W*C bytes, HWC) into {@code dst} from {@code dstOffset}. */
    public void copyImage(int image, byte[] dst, int dstOffset) {
        System.arraycopy(chunk(image), offset(image), dst, dstOffset, imageBytes());
    }

    /** @return unsigned pixel value at (image, y, x, c) */
    public int pixel(int image, int y, int x, int c) {
        return chunk(image)[offset(image) + (y * width + x) * channels + c] & 0xFF;
    }

    private void checkIndex(int image) {
        if (image < 0 || image >= labels.length) {
            throw new IndexOutOfBoundsException("image " + image + " outside data set " + name + " of "
                    + labels.length + " images");
        }
    }

    /** @return a new data set with the images at {@code indices}, in that order (hash derived from ours) */
    public ImageDataset subset(int[] indices, String suffix) {
        int per = imageBytes();
        int cap = imagesPerChunk(per);
        byte[][] px = allocate(indices.length, per, cap);
        int[] lb = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            copyImage(indices[j], px[j / cap], (j % cap) * per);
            lb[j] = labels[indices[j]];
        }
        String h = io.sslbench.core.util.Hashing.sha256Hex((sha256 + "|" + suffix + "|" + Arrays.hashCode(indices))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new ImageDataset(name + "[" + suffix + "]", height, width, channels, px, px.length == 1
                ? Math.max(1, indices.length) : cap, lb, classNames, h);
    }

    /**
     * A class-balanced subset of {@code n} images (n clipped to size): classes are visited round-robin,
     * each contributing its next image in index order, so the subset is deterministic, independent of
     * any seed (every method and seed sees the same images) and balanced even when the source is
     * ordered by class (as an image folder is). Unlabelled sets fall back to {@link #head}.
     */
    public ImageDataset balanced(int n) {
        if (numClasses() == 0 || n >= size()) {
            return head(n);
        }
        int c = numClasses();
        int[][] byClass = new int[c][];
        int[] counts = new int[c];
        for (int l : labels) {
            if (l >= 0) {
                counts[l]++;
            }
        }
        for (int k = 0; k < c; k++) {
            byClass[k] = new int[counts[k]];
        }
        int[] fill = new int[c];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0) {
                byClass[labels[i]][fill[labels[i]]++] = i;
            }
        }
        int[] out = new int[n];
        int m = 0;
        int[] next = new int[c];
        while (m < n) {
            boolean any = false;
            for (int k = 0; k < c && m < n; k++) {
                if (next[k] < byClass[k].length) {
                    out[m++] = byClass[k][next[k]++];
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return subset(Arrays.copyOf(out, m), "balanced" + m);
    }

    /** @return the first {@code n} images (n clipped to size) */
    public ImageDataset head(int n) {
        int m = Math.min(n, size());
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        return subset(idx, "first" + m);
    }

    @Override
    public String toString() {
        return "ImageDataset[" + name + ", " + size() + " x " + height + "x" + width + "x" + channels + ", "
                + classNames.size() + " classes, " + chunks.length + " chunk(s), sha256 " + sha256 + "]";
    }
}
