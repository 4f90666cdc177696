package io.sslbench.core.data;

import io.sslbench.core.util.Hashing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reader for the official STL-10 binary version ({@code stl10_binary/}).
 *
 * <p>{@code *_X.bin}: images of 3 x 96 x 96 bytes, each channel stored column-major (as MATLAB wrote it):
 * byte {@code c*9216 + x*96 + y} is pixel (row y, column x) of channel c. We convert to HWC:
 * {@code hwc[(y*96+x)*3+c] = raw[c*9216 + x*96 + y]} (torchvision does the same with
 * {@code reshape(-1,3,96,96)} then {@code transpose(0,1,3,2)}). {@code *_y.bin}: one byte per image, labels
 * 1..10, returned as 0..9. {@code unlabeled_X.bin} has no label file; its labels are -1.
 *
 * <p>Images are streamed from the file one at a time into the data set's chunks (see {@link ImageDataset}:
 * by default chunks of at most 1 GiB, i.e. {@value #DEFAULT_CHUNK_IMAGES} STL images), so the whole unlabelled
 * split loads without any array beyond one chunk: 100,000 images take 2,764,800,000 pixel bytes in three chunks
 * (38,836 + 38,836 + 22,328 images) plus 400,000 label bytes, so the JVM needs a heap of about 2.6 GiB more
 * than whatever else it holds.
 */
public final class Stl10BinaryReader {
    public static final int SIDE = 96;
    public static final int IMAGE_BYTES = SIDE * SIDE * 3;
    /** Images per chunk by default: {@code floor(2^30 / 27648)}. */
    public static final int DEFAULT_CHUNK_IMAGES = (int) (ImageDataset.DEFAULT_CHUNK_BYTES / IMAGE_BYTES);
    public static final String DIR = "stl10_binary";
    /** class_names.txt order. */
    public static final List<String> CLASSES = List.of("airplane", "bird", "car", "cat", "deer", "dog", "horse",
            "monkey", "ship", "truck");

    private Stl10BinaryReader() {}

    /**
     * Reads a split of STL-10 from {@code dir}.
     *
     * @param split     train (5,000), test (8,000), unlabeled (100,000) or train+unlabeled (105,000)
     * @param maxImages keep only the first this many images (0: all)
     * @return N x 96 x 96 x 3 images, in chunks of {@link #DEFAULT_CHUNK_IMAGES}
     */
    public static ImageDataset read(Path dir, Split split, int maxImages) {
        return read(dir, split, maxImages, DEFAULT_CHUNK_IMAGES);
    }

    /** {@link #read(Path, Split, int)} into chunks of {@code chunkImages} images (tests use small chunks). */
    static ImageDataset read(Path dir, Split split, int maxImages, int chunkImages) {
        if (maxImages < 0) {
            throw new IllegalArgumentException("maxImages must be >= 0 (0 = all), got " + maxImages);
        }
        CifarBinaryReader.checkNames(dir.resolve("class_names.txt"), CLASSES);
        List<String> parts = switch (split) {
            case TRAIN -> List.of("train");
            case TEST -> List.of("test");
            case UNLABELED -> List.of("unlabeled");
            case TRAIN_UNLABELED -> List.of("train", "unlabeled");
            default -> throw new IllegalArgumentException("stl10 has splits train, test, unlabeled and "
                    + "train+unlabeled, not " + split.id());
        };
        long available = 0;
        for (String p : parts) {
            available += count(dir.resolve(p + "_X.bin"));
        }
        long n = maxImages == 0 ? available : Math.min(maxImages, available);
        if (n > Integer.MAX_VALUE) {
            throw new DataException(dir.resolve(parts.get(parts.size() - 1) + "_X.bin"), n
                    + " images exceed one data set's " + Integer.MAX_VALUE + "; load fewer (maxImages)");
        }
        List<byte[]> px = ImageDataset.allocateChunks((int) n, IMAGE_BYTES, chunkImages);
        int[] labels = new int[(int) n];
        ContentHash hash = new ContentHash("stl10-binary");
        int at = 0;
        for (String p : parts) {
            int want = (int) Math.min(n - at, count(dir.resolve(p + "_X.bin")));
            if (want == 0) {
                break;
            }
            Path x = dir.resolve(p + "_X.bin");
            hash.addDigest(x.getFileName().toString(), readImages(x, want, px, chunkImages, at));
            if (p.equals("unlabeled")) {
                Arrays.fill(labels, at, at + want, -1);
            } else {
                Path y = dir.resolve(p + "_y.bin");
                byte[] lb = CifarBinaryReader.readAll(y);
                long nx = count(x);
                if (lb.length != nx) {
                    throw new DataException(y, lb.length + " labels for " + nx + " images in " + x.getFileName());
                }
                for (int i = 0; i < want; i++) {
                    int l = lb[i] & 0xFF;
                    if (l < 1 || l > CLASSES.size()) {
                        throw new DataException(y, "record " + i + " has label " + l + ", outside [1,"
                                + CLASSES.size() + "]");
                    }
                    labels[at + i] = l - 1;
                }
                hash.add(y.getFileName().toString(), lb, 0, lb.length);
            }
            at += want;
        }
        if (n < available) {
            hash.note("first " + n + " images");
        }
        return ImageDataset.ofChunks("stl10/" + split.id() + (n < available ? "[first" + n + "]" : ""), SIDE, SIDE,
                3, px, chunkImages, labels, CLASSES, hash.hex());
    }

    /** @return number of images in an {@code *_X.bin} file, checking its size is a whole number of images */
    public static long count(Path xFile) {
        try {
            long size = Files.size(xFile);
            if (size % IMAGE_BYTES != 0) {
                throw new DataException(xFile, "size " + size + " is not a multiple of the " + IMAGE_BYTES
                        + "-byte image: image " + size / IMAGE_BYTES + " is truncated");
            }
            return size / IMAGE_BYTES;
        } catch (IOException e) {
            throw new DataException(xFile, "missing or unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Streams the first {@code n} images of {@code x} into the chunks {@code px} (of {@code chunkImages} images)
     * from image {@code at}, converting each to HWC.
     *
     * @return SHA-256 of those file bytes (the whole file when n is its image count)
     */
    private static String readImages(Path x, int n, List<byte[]> px, int chunkImages, int at) {
        MessageDigest md = Hashing.digest("SHA-256");
        byte[] img = new byte[IMAGE_BYTES];
        int plane = SIDE * SIDE;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(x), 1 << 20)) {
            for (int i = 0; i < n; i++) {
                if (in.readNBytes(img, 0, IMAGE_BYTES) != IMAGE_BYTES) {
                    throw new DataException(x, "image " + i + " is truncated");
                }
                md.update(img);
                int g = at + i;
                byte[] dst = px.get(g / chunkImages);
                int off = (g % chunkImages) * IMAGE_BYTES;
                for (int c = 0; c < 3; c++) {
                    for (int xx = 0; xx < SIDE; xx++) {
                        int src = c * plane + xx * SIDE;
                        for (int y = 0; y < SIDE; y++) {
                            dst[off + (y * SIDE + xx) * 3 + c] = img[src + y];
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new DataException(x, "cannot read: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
