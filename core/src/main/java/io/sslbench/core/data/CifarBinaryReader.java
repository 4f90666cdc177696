package io.sslbench.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader for the official CIFAR-10 / CIFAR-100 binary version.
 *
 * <p>CIFAR-10 record (3073 bytes): 1 label byte, then 3072 pixel bytes: the 1024 red values of the 32x32 image
 * in row-major order, then 1024 green, then 1024 blue. CIFAR-100 record (3074 bytes): coarse label byte, fine
 * label byte, then the same 3072 pixel bytes; we use the fine label. Pixels are converted from this planar
 * CHW layout to {@link ImageDataset}'s HWC: {@code hwc[(y*32+x)*3+c] = rec[labelBytes + c*1024 + y*32 + x]}.
 */
public final class CifarBinaryReader {
    public static final int SIDE = 32;
    public static final int PIXELS = SIDE * SIDE * 3;

    /** CIFAR-10 class names in label order (batches.meta.txt). */
    public static final List<String> CIFAR10_CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer",
            "dog", "frog", "horse", "ship", "truck");

    /** CIFAR-100 fine class names in label order (fine_label_names.txt: alphabetical). */
    public static final List<String> CIFAR100_CLASSES = List.of("apple", "aquarium_fish", "baby", "bear", "beaver",
            "bed", "bee", "beetle", "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can",
            "castle", "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab",
            "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster",
            "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man",
            "maple_tree", "motorcycle", "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter",
            "palm_tree", "pear", "pickup_truck", "pine_tree", "plain", "plate", "poppy", "porcupine", "possum",
            "rabbit", "raccoon", "ray", "road", "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk",
            "skyscraper", "snail", "snake", "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table",
            "tank", "telephone", "television", "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe",
            "whale", "willow_tree", "wolf", "woman", "worm");

    /** Directory names inside the official archives. */
    public static final String CIFAR10_DIR = "cifar-10-batches-bin";
    public static final String CIFAR100_DIR = "cifar-100-binary";

    private CifarBinaryReader() {}

    /** @return the batch files of a CIFAR-10 split in the official order */
    public static List<String> cifar10Files(Split split) {
        return switch (split) {
            case TRAIN -> List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                    "data_batch_5.bin");
            case TEST -> List.of("test_batch.bin");
            default -> throw new IllegalArgumentException("cifar10 has splits train and test, not " + split.id());
        };
    }

    /** @return the file of a CIFAR-100 split */
    public static List<String> cifar100Files(Split split) {
        return switch (split) {
            case TRAIN -> List.of("train.bin");
            case TEST -> List.of("test.bin");
            default -> throw new IllegalArgumentException("cifar100 has splits train and test, not " + split.id());
        };
    }

    /**
     * Reads a CIFAR-10 split from {@code dir} (the extracted {@code cifar-10-batches-bin}).
     *
     * @return N x 32 x 32 x 3 images, labels in [0,10)
     */
    public static ImageDataset readCifar10(Path dir, Split split) {
        checkNames(dir.resolve("batches.meta.txt"), CIFAR10_CLASSES);
        List<Path> files = cifar10Files(split).stream().map(dir::resolve).toList();
        return read("cifar10/" + split.id(), "cifar10-binary", files, 1, 0, CIFAR10_CLASSES);
    }

    /**
     * Reads a CIFAR-100 split from {@code dir} (the extracted {@code cifar-100-binary}), fine labels.
     *
     * @return N x 32 x 32 x 3 images, labels in [0,100)
     */
    public static ImageDataset readCifar100(Path dir, Split split) {
        checkNames(dir.resolve("fine_label_names.txt"), CIFAR100_CLASSES);
        List<Path> files = cifar100Files(split).stream().map(dir::resolve).toList();
        return read("cifar100/" + split.id(), "cifar100-binary", files, 2, 1, CIFAR100_CLASSES);
    }

    /**
     * Reads CIFAR-format record files (any number, concatenated in the given order).
     *
     * @param name       data set name, e.g. "cifar10/train"
     * @param kind       hash domain, e.g. "cifar10-binary"
     * @param files      record files
     * @param labelBytes label bytes per record (1 for CIFAR-10, 2 for CIFAR-100)
     * @param labelIndex which of them is the label (0, or 1 for CIFAR-100's fine label)
     * @param classNames classes; every label must be below their count
     */
    public static ImageDataset read(String name, String kind, List<Path> files, int labelBytes, int labelIndex,
                                    List<String> classNames) {
        return read(name, kind, files, labelBytes, labelIndex, classNames, ImageDataset.defaultChunkImages(PIXELS));
    }

    /** {@link #read(String, String, List, int, int, List)} into chunks of {@code chunkImages} images (tests). */
    static ImageDataset read(String name, String kind, List<Path> files, int labelBytes, int labelIndex,
                             List<String> classNames, int chunkImages) {
        int rec = labelBytes + PIXELS;
        List<byte[]> contents = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            byte[] b = readAll(f);
            if (b.length % rec != 0) {
                throw new DataException(f, "size " + b.length + " is not a multiple of the " + rec
                        + "-byte record: record " + b.length / rec + " is truncated (" + b.length % rec
                        + " bytes); file damaged or not a " + kind + " file");
            }
            contents.add(b);
            total += b.length / rec;
        }
        if (total > Integer.MAX_VALUE) {
            throw new DataException(files.get(0), total + " images exceed one data set's " + Integer.MAX_VALUE);
        }
        int n = (int) total;
        List<byte[]> px = ImageDataset.allocateChunks(n, PIXELS, chunkImages);
        int[] labels = new int[n];
        ContentHash hash = new ContentHash(kind);
        int i = 0;
        for (int fi = 0; fi < files.size(); fi++) {
            byte[] b = contents.get(fi);
            hash.add(files.get(fi).getFileName().toString(), b, 0, b.length);
            for (int r = 0; r < b.length / rec; r++, i++) {
                int base = r * rec;
                int label = b[base + labelIndex] & 0xFF;
                if (label >= classNames.size()) {
                    throw new DataException(files.get(fi), "record " + r + " has label " + label
                            + ", outside [0," + classNames.size() + ")");
                }
                labels[i] = label;
                planarToHwc(b, base + labelBytes, px.get(i / chunkImages), (i % chunkImages) * PIXELS, SIDE, SIDE);
            }
        }
        return ImageDataset.ofChunks(name, SIDE, SIDE, 3, px, chunkImages, labels, classNames, hash.hex());
    }

    /** Copies one planar (CHW, 3 channels) image to HWC. */
    static void planarToHwc(byte[] src, int srcOff, byte[] dst, int dstOff, int h, int w) {
        int plane = h * w;
        for (int p = 0; p < plane; p++) {
            dst[dstOff + 3 * p] = src[srcOff + p];
            dst[dstOff + 3 * p + 1] = src[srcOff + plane + p];
            dst[dstOff + 3 * p + 2] = src[srcOff + 2 * plane + p];
        }
    }

    /** Checks an optional label-names file against the expected order. */
    static void checkNames(Path namesFile, List<String> expected) {
        if (!Files.isRegularFile(namesFile)) {
            return;
        }
        List<String> got;
        try {
            got = Files.readAllLines(namesFile, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new DataException(namesFile, "cannot read class names", e);
        }
        if (!got.equals(expected)) {
            throw new DataException(namesFile, "class names " + got + " differ from the official order " + expected);
        }
    }

    static byte[] readAll(Path f) {
        if (!Files.isRegularFile(f)) {
            throw new DataException(f, "missing");
        }
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new DataException(f, "cannot read: " + e.getMessage(), e);
        }
    }
}
