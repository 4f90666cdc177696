package io.sslbench.core.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the idx format of MNIST and Fashion-MNIST, plain or gzip-compressed (detected by the gzip magic
 * {@code 1f 8b}, not the file name).
 *
 * <p>Layout: bytes 0-1 zero, byte 2 the element type ({@code 0x08} = unsigned byte, the only one used by these
 * sets), byte 3 the number of dimensions d, then d big-endian int32 sizes, then the elements in row-major order.
 * Image files are {@code 0x00000803} (N x rows x cols), label files {@code 0x00000801} (N).
 */
public final class IdxReader {
    /** Files of the MNIST family, in the order train images, train labels, test images, test labels. */
    public static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** torchvision's MNIST class names. */
    public static final List<String> MNIST_CLASSES = List.of("0 - zero", "1 - one", "2 - two", "3 - three",
            "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine");
    /** Fashion-MNIST class names (label order). */
    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** A decoded idx file of unsigned bytes: {@code dims} sizes and the (decompressed) elements. */
    public record IdxArray(Path file, int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    private IdxReader() {}

    /**
     * Reads an idx ubyte file and checks it has {@code expectDims} dimensions.
     *
     * @return dims and exactly prod(dims) data bytes
     */
    public static IdxArray read(Path file, int expectDims) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file, "missing");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
            byte[] head = in.readNBytes(4);
            if (head.length < 4) {
                throw new DataException(file, "too short for an idx header (" + head.length + " bytes)");
            }
            int magic = ((head[0] & 0xFF) << 24) | ((head[1] & 0xFF) << 16) | ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
            int expectMagic = 0x0800 | expectDims;
            if (magic != expectMagic) {
                throw new DataException(file, String.format("bad idx magic 0x%08x, expected 0x%08x (unsigned bytes, "
                        + "%d dimensions)", magic, expectMagic, expectDims));
            }
            int[] dims = new int[expectDims];
            long total = 1;
            for (int d = 0; d < expectDims; d++) {
                byte[] s = in.readNBytes(4);
                if (s.length < 4) {
                    throw new DataException(file, "truncated idx header (dimension " + d + ")");
                }
                dims[d] = ((s[0] & 0xFF) << 24) | ((s[1] & 0xFF) << 16) | ((s[2] & 0xFF) << 8) | (s[3] & 0xFF);
                if (dims[d] < 0) {
                    throw new DataException(file, "negative size " + dims[d] + " of dimension " + d);
                }
                total *= dims[d];
            }
            if (total > Integer.MAX_VALUE) {
                throw new DataException(file, "idx array of " + total + " bytes does not fit one array");
            }
            byte[] data = in.readNBytes((int) total);
            if (data.length < total) {
                long per = total / Math.max(1, dims[0]);
                throw new DataException(file, "truncated: header announces " + dims[0] + " records (" + total
                        + " bytes) but only " + data.length + " bytes follow; record " + data.length / Math.max(1, per)
                        + " is incomplete");
            }
            if (in.read() != -1) {
                throw new DataException(file, "trailing bytes after the " + total + " announced by the header");
            }
            return new IdxArray(file, dims, data);
        } catch (ZipException | EOFException e) {
            throw new DataException(file, "corrupt or truncated gzip stream: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** @return {@code dir/name.gz} if present, else {@code dir/name}, else null */
    public static Path find(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(name);
        return Files.isRegularFile(plain) ? plain : null;
    }

    /**
     * Reads an MNIST-family split from {@code dir} holding the four idx files (each plain or .gz).
     *
     * @param id      "mnist" or "fashion-mnist" (data set name and hash domain)
     * @param classes class names in label order
     * @return N x 28 x 28 x 1 images
     */
    public static ImageDataset readSplit(Path dir, String id, Split split, List<String> classes) {
        int k = switch (split) {
            case TRAIN -> 0;
            case TEST -> 2;
            default -> throw new IllegalArgumentException(id + " has splits train and test, not " + split.id());
        };
        Path imgFile = find(dir, FILES.get(k));
        Path lblFile = find(dir, FILES.get(k + 1));
        if (imgFile == null || lblFile == null) {
            throw new DataException(dir.resolve(FILES.get(imgFile == null ? k : k + 1)), "missing (plain or .gz)");
        }
        IdxArray img = read(imgFile, 3);
        IdxArray lbl = read(lblFile, 1);
        if (img.count() != lbl.count()) {
            throw new DataException(lblFile, lbl.count() + " labels for " + img.count() + " images in "
                    + imgFile.getFileName());
        }
        int[] labels = new int[lbl.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = lbl.data()[i] & 0xFF;
            if (labels[i] >= classes.size()) {
                throw new DataException(lblFile, "record " + i + " has label " + labels[i] + ", outside [0,"
                        + classes.size() + ")");
            }
        }
        String hash = new ContentHash(id + "-idx")
                .note("images " + img.dims()[0] + "x" + img.dims()[1] + "x" + img.dims()[2])
                .add(FILES.get(k), img.data(), 0, img.data().length)
                .add(FILES.get(k + 1), lbl.data(), 0, lbl.data().length).hex();
        return new ImageDataset(id + "/" + split.id(), img.dims()[1], img.dims()[2], 1, img.data(), labels,
                classes, hash);
    }

    /** @return the files of {@code dir} that {@link #readSplit} would use, missing ones left out */
    public static List<Path> present(Path dir) {
        List<Path> out = new ArrayList<>();
        for (String f : FILES) {
            Path p = find(dir, f);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }
}
