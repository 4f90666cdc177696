package io.sslbench.core.data;

import io.sslbench.core.util.Hashing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A labelled (or unlabelled) image data set held in memory as uint8 pixels.
 *
 * <p>Layout: each image is {@code B = H*W*C} bytes in HWC order (row-major, channels interleaved, as decoded
 * from JPEG/PNG and as torchvision's PIL images are), values 0..255 stored as signed bytes (read with
 * {@code & 0xFF}). Grayscale sets have C = 1.
 *
 * <p>Storage is chunked so that a set may exceed one Java array (2^31-1 bytes; STL-10's 100,000 unlabelled
 * 96x96x3 images are 2,764,800,000 bytes): chunk {@code k} holds images {@code [k*M, min((k+1)*M, N))} where
 * {@code M = }{@link #chunkImages()}, every chunk but the last holds exactly M whole images, and image
 * {@code i} occupies bytes {@code [(i % M)*B, (i % M + 1)*B)} of chunk {@code i / M}. By default
 * {@code M = max(1, floor(2^30 / B))} ({@link #defaultChunkImages}), so a chunk is at most 1 GiB and every set
 * below 1 GiB (CIFAR, MNIST, STL-10 train/test) is a single chunk, whose bytes {@link #pixels()} returns.
 *
 * <p>Read pixels through {@link #pixel}, {@link #copyImage}/{@link #image}, or {@link #chunk} with
 * {@link #chunkIndex}/{@link #chunkOffset}. Arrays returned by {@link #chunk}, {@link #pixels()} and
 * {@link #labels()} are live: callers must not modify them.
 */
public final class ImageDataset {
    /** Largest chunk the default chunking makes: 1 GiB. */
    public static final long DEFAULT_CHUNK_BYTES = 1L << 30;

    private final String name;
    private final int height;
    private final int width;
    private final int channels;
    private final byte[][] chunks;
    private final int chunkImages;
    private final int[] labels;
    private final List<String> classNames;
    private final String sha256;

    /**
     * A single-chunk data set over one array (the layout before chunking; kept for readers whose data fits).
     *
     * @param name       data set id and split, e.g. "cifar10/train"
     * @param height     image height H
     * @param width      image width W
     * @param channels   C (3 for RGB, 1 for grayscale)
     * @param pixels     N*H*W*C bytes, HWC per image (not copied)
     * @param labels     N class indices in [0, classNames.size()), or -1 for unlabelled images
     * @param classNames class names in index order (empty for an unlabelled set)
     * @param sha256     hash identifying the source data (hex); goes into every result's provenance
     */
    public ImageDataset(String name, int height, int width, int channels, byte[] pixels, int[] labels,
                        List<String> classNames, String sha256) {
        this(name, height, width, channels, new byte[][]{Objects.requireNonNull(pixels, "pixels")},
                singleChunkImages(name, height, width, channels, labels), labels, classNames, sha256);
    }

    private ImageDataset(String name, int height, int width, int channels, byte[][] chunks, int chunkImages,
                         int[] labels, List<String> classNames, String sha256) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labels, name + ": labels");
        long per = checkGeometry(name, height, width, channels);
        if (chunkImages < 1 || chunkImages * per > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": chunkImages " + chunkImages + " outside [1, "
                    + Integer.MAX_VALUE / per + "] for images of " + per + " bytes");
        }
        int n = labels.length;
        int expectChunks = chunkCount(n, chunkImages);
        if (chunks.length != expectChunks) {
            throw new IllegalArgumentException(name + ": " + chunks.length + " pixel chunks for " + n
                    + " images of up to " + chunkImages + " per chunk; expected " + expectChunks);
        }
        for (int k = 0; k < chunks.length; k++) {
            Objects.requireNonNull(chunks[k], name + ": pixel chunk " + k);
            long want = Math.min(chunkImages, n - (long) k * chunkImages) * per;
            if (chunks[k].length != want) {
                throw new IllegalArgumentException(name + ": " + chunks[k].length + " pixel bytes in chunk " + k
                        + " of " + chunks.length + "; expected " + want + " (" + n + " images of " + per
                        + " bytes, " + chunkImages + " per chunk)");
            }
        }
        this.classNames = List.copyOf(classNames);
        for (int i = 0; i < n; i++) {
            if (labels[i] < -1 || labels[i] >= this.classNames.size()) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i
                        + " out of range [0," + this.classNames.size() + ")");
            }
        }
        this.name = name;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.chunks = chunks;
        this.chunkImages = chunkImages;
        this.labels = labels;
        this.sha256 = sha256;
    }

    /**
     * A data set over pixel chunks in the layout of the class doc.
     *
     * @param chunks      {@code max(1, ceil(N/chunkImages))} arrays (not copied); chunk k holds
     *                    {@code min(chunkImages, N - k*chunkImages)} images of H*W*C bytes (one empty chunk when N = 0)
     * @param chunkImages M, images per chunk (every chunk but the last is full); {@code M*H*W*C <= 2^31-1}
     * @see #allocateChunks
     */
    public static ImageDataset ofChunks(String name, int height, int width, int channels, List<byte[]> chunks,
                                        int chunkImages, int[] labels, List<String> classNames, String sha256) {
        return new ImageDataset(name, height, width, channels, chunks.toArray(new byte[0][]), chunkImages, labels,
                classNames, sha256);
    }

    /** @return {@code max(1, floor(2^30 / imageBytes))}: images per chunk so a chunk stays within 1 GiB */
    public static int defaultChunkImages(long imageBytes) {
        if (imageBytes <= 0 || imageBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("imageBytes must be in [1, " + Integer.MAX_VALUE + "], got "
                    + imageBytes);
        }
        return (int) Math.max(1, DEFAULT_CHUNK_BYTES / imageBytes);
    }

    /**
     * Zeroed chunks for {@code n} images in the layout {@link #ofChunks} expects.
     *
     * @return {@code max(1, ceil(n/chunkImages))} arrays; chunk k has {@code min(chunkImages, n-k*chunkImages)*imageBytes} bytes
     */
    public static List<byte[]> allocateChunks(int n, int imageBytes, int chunkImages) {
        if (n < 0 || imageBytes <= 0 || chunkImages < 1 || (long) chunkImages * imageBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot chunk " + n + " images of " + imageBytes + " bytes, "
                    + chunkImages + " per chunk");
        }
        int k = chunkCount(n, chunkImages);
        byte[][] out = new byte[k][];
        for (int j = 0; j < k; j++) {
            out[j] = new byte[(int) (Math.min(chunkImages, n - (long) j * chunkImages) * imageBytes)];
        }
        return Arrays.asList(out);
    }

    private static int chunkCount(int n, int chunkImages) {
        return Math.max(1, (int) ((n + (long) chunkImages - 1) / chunkImages));
    }

    private static long checkGeometry(String name, int height, int width, int channels) {
        if (height <= 0 || width <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException(name + ": bad image geometry " + height + "x" + width + "x" + channels);
        }
        long per = (long) height * width * channels;
        if (per > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": an image of " + height + "x" + width + "x" + channels
                    + " exceeds " + Integer.MAX_VALUE + " bytes");
        }
        return per;
    }

    /** Chunk capacity of a single-array set: all its images (at least the default, so subsets may grow). */
    private static int singleChunkImages(String name, int height, int width, int channels, int[] labels) {
        long per = checkGeometry(Objects.requireNonNull(name, "name"), height, width, channels);
        int n = Objects.requireNonNull(labels, name + ": labels").length;
        return Math.max(n, defaultChunkImages(per));
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

    /** @return N labels (live array), -1 for unlabelled images */
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

    /** @return B = H*W*C, bytes per image */
    public int imageBytes() {
        return height * width * channels;
    }

    /** @return N*H*W*C, pixel bytes over all chunks */
    public long totalBytes() {
        return (long) size() * imageBytes();
    }

    /** @return M, images per chunk (every chunk but the last holds exactly M) */
    public int chunkImages() {
        return chunkImages;
    }

    /** @return number of chunks, {@code max(1, ceil(N/M))} */
    public int numChunks() {
        return chunks.length;
    }

    /** @return chunk {@code k} (live; must not be modified): images {@code [k*M, min((k+1)*M, N))}, HWC each */
    public byte[] chunk(int k) {
        return chunks[k];
    }

    /** @return the chunk holding image {@code image}: {@code image / M} */
    public int chunkIndex(int image) {
        checkIndex(image);
        return image / chunkImages;
    }

    /** @return the offset of image {@code image}'s first byte within its chunk: {@code (image % M) * B} */
    public int chunkOffset(int image) {
        checkIndex(image);
        return (image % chunkImages) * imageBytes();
    }

    /** Copies the B bytes of image {@code image} (HWC) to {@code dst[dstOff ..]}. */
    public void copyImage(int image, byte[] dst, int dstOff) {
        System.arraycopy(chunks[chunkIndex(image)], chunkOffset(image), dst, dstOff, imageBytes());
    }

    /** @return a copy of image {@code image}'s B bytes, HWC */
    public byte[] image(int image) {
        byte[] out = new byte[imageBytes()];
        copyImage(image, out, 0);
        return out;
    }

    /** @return unsigned pixel value at (image, y, x, c) */
    public int pixel(int image, int y, int x, int c) {
        return chunks[chunkIndex(image)][chunkOffset(image) + (y * width + x) * channels + c] & 0xFF;
    }

    /**
     * @return all N*B pixel bytes (live) when the set is one chunk
     * @throws IllegalStateException when the set spans several chunks; read it per image or per chunk instead
     */
    public byte[] pixels() {
        if (chunks.length != 1) {
            throw new IllegalStateException(name + ": " + size() + " images (" + totalBytes() + " bytes) are stored in "
                    + chunks.length + " chunks of up to " + chunkImages + " images; pixels() needs a single chunk, "
                    + "read them with chunk(k), copyImage(i, ...) or pixel(...) instead");
        }
        return chunks[0];
    }

    /**
     * @return the same images, labels, name and hash re-split into chunks of {@code chunkImages} images (a copy)
     */
    public ImageDataset rechunk(int chunkImages) {
        List<byte[]> out = allocateChunks(size(), imageBytes(), chunkImages);
        copyImages(this, identity(size()), out, chunkImages);
        return ofChunks(name, height, width, channels, out, chunkImages, labels, classNames, sha256);
    }

    /**
     * @return a new data set with the images at {@code indices}, in that order (hash derived from ours), chunked
     *         with our {@link #chunkImages()}
     */
    public ImageDataset subset(int[] indices, String suffix) {
        for (int i : indices) {
            checkIndex(i);
        }
        List<byte[]> px = allocateChunks(indices.length, imageBytes(), chunkImages);
        copyImages(this, indices, px, chunkImages);
        int[] lb = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            lb[j] = labels[indices[j]];
        }
        String h = Hashing.sha256Hex((sha256 + "|" + suffix + "|" + Arrays.hashCode(indices))
                .getBytes(StandardCharsets.UTF_8));
        return ofChunks(name + "[" + suffix + "]", height, width, channels, px, chunkImages, lb, classNames, h);
    }

    /** Copies images {@code indices} of {@code src} into chunks of {@code chunkImages}, in order. */
    private static void copyImages(ImageDataset src, int[] indices, List<byte[]> dst, int chunkImages) {
        int per = src.imageBytes();
        for (int j = 0; j < indices.length; j++) {
            src.copyImage(indices[j], dst.get(j / chunkImages), (j % chunkImages) * per);
        }
    }

    private static int[] identity(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    private void checkIndex(int image) {
        if (image < 0 || image >= labels.length) {
            throw new IndexOutOfBoundsException("image " + image + " outside data set " + name + " of "
                    + labels.length + " images");
        }
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
        return subset(identity(m), "first" + m);
    }

    @Override
    public String toString() {
        return "ImageDataset[" + name + ", " + size() + " x " + height + "x" + width + "x" + channels + ", "
                + numClasses() + " classes, " + numChunks() + " chunk(s) of up to " + chunkImages + " images, sha256="
                + sha256 + "]";
    }
}
