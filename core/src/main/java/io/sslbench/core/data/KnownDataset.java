package io.sslbench.core.data;

import io.sslbench.core.data.download.Sources;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The data sets known by id, their on-disk layout under a {@link DataRoot}, official sizes, and cheap record
 * counts (from file sizes and headers, without decoding).
 */
public enum KnownDataset {
    CIFAR10("cifar10", CifarBinaryReader.CIFAR10_DIR, counts(Split.TRAIN, 50000, Split.TEST, 10000)),
    CIFAR100("cifar100", CifarBinaryReader.CIFAR100_DIR, counts(Split.TRAIN, 50000, Split.TEST, 10000)),
    STL10("stl10", Stl10BinaryReader.DIR, counts(Split.TRAIN, 5000, Split.TEST, 8000, Split.UNLABELED, 100000)),
    MNIST("mnist", "mnist", counts(Split.TRAIN, 60000, Split.TEST, 10000)),
    FASHION_MNIST("fashion-mnist", "fashion-mnist", counts(Split.TRAIN, 60000, Split.TEST, 10000));

    /** Image-folder copy of CIFAR-10 under the root: {@code cifar10-jpg/{train,test}/<class>/}. */
    public static final String CIFAR10_JPG_DIR = "cifar10-jpg";

    private final String id;
    private final String dir;
    private final Map<Split, Integer> official;

    KnownDataset(String id, String dir, Map<Split, Integer> official) {
        this.id = id;
        this.dir = dir;
        this.official = official;
    }

    private static Map<Split, Integer> counts(Object... kv) {
        Map<Split, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((Split) kv[i], (Integer) kv[i + 1]);
        }
        return m;
    }

    public String id() {
        return id;
    }

    /** @return the directory name under the root (binary / idx files) */
    public String dirName() {
        return dir;
    }

    /** @return the official splits and their image counts */
    public Map<Split, Integer> officialCounts() {
        return official;
    }

    /** @return the splits {@link Datasets#load} accepts (STL-10 adds train+unlabeled) */
    public List<Split> splits() {
        List<Split> s = new ArrayList<>(official.keySet());
        if (this == STL10) {
            s.add(Split.TRAIN_UNLABELED);
        }
        return s;
    }

    /** @return the data set with this id (case-insensitive) */
    public static KnownDataset byId(String id) {
        for (KnownDataset d : values()) {
            if (d.id.equalsIgnoreCase(id)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + id + "'; known: cifar10, cifar100, stl10, mnist, "
                + "fashion-mnist, imagefolder:<path>");
    }

    /** @return the files one official split needs, relative to {@link #dirName()} (idx files: without .gz) */
    public List<String> files(Split split) {
        return switch (this) {
            case CIFAR10 -> CifarBinaryReader.cifar10Files(split);
            case CIFAR100 -> CifarBinaryReader.cifar100Files(split);
            case STL10 -> switch (split) {
                case TRAIN -> List.of("train_X.bin", "train_y.bin");
                case TEST -> List.of("test_X.bin", "test_y.bin");
                case UNLABELED -> List.of("unlabeled_X.bin");
                default -> throw new IllegalArgumentException("not an official stl10 split: " + split.id());
            };
            case MNIST, FASHION_MNIST -> switch (split) {
                case TRAIN -> IdxReader.FILES.subList(0, 2);
                case TEST -> IdxReader.FILES.subList(2, 4);
                default -> throw new IllegalArgumentException(id + " has splits train and test, not " + split.id());
            };
        };
    }

    /** @return true if every file of the official split is present (idx files plain or .gz) */
    public boolean present(DataRoot root, Split split) {
        Path d = root.child(dir);
        for (String f : files(split)) {
            boolean idx = this == MNIST || this == FASHION_MNIST;
            if (idx ? IdxReader.find(d, f) == null : !Files.isRegularFile(d.resolve(f))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Counts the records of an official split from file sizes (binary formats) or idx headers, without decoding.
     *
     * @throws DataException if a file is absent or its size is not a whole number of records
     */
    public long count(DataRoot root, Split split) {
        Path d = root.child(dir);
        String first = files(split).get(0);
        return switch (this) {
            case CIFAR10, CIFAR100 -> {
                long n = 0;
                int rec = (this == CIFAR10 ? 1 : 2) + CifarBinaryReader.PIXELS;
                for (String f : files(split)) {
                    long size = size(d.resolve(f));
                    if (size % rec != 0) {
                        throw new DataException(d.resolve(f), "size " + size + " is not a multiple of the " + rec
                                + "-byte record: record " + size / rec + " is truncated");
                    }
                    n += size / rec;
                }
                yield n;
            }
            case STL10 -> Stl10BinaryReader.count(d.resolve(first));
            case MNIST, FASHION_MNIST -> idxCount(d, first);
        };
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new DataException(f, "missing or unreadable");
        }
    }

    /** @return the record count in an idx header (first dimension), reading only the header */
    static long idxCount(Path dir, String name) {
        Path f = IdxReader.find(dir, name);
        if (f == null) {
            throw new DataException(dir.resolve(name), "missing (plain or .gz)");
        }
        try (InputStream raw = Files.newInputStream(f)) {
            InputStream in = raw;
            if (f.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(raw);
            }
            byte[] h = in.readNBytes(8);
            if (h.length < 8 || h[0] != 0 || h[1] != 0 || h[2] != 8) {
                throw new DataException(f, "bad idx header");
            }
            return ((h[4] & 0xFFL) << 24) | ((h[5] & 0xFF) << 16) | ((h[6] & 0xFF) << 8) | (h[7] & 0xFF);
        } catch (IOException e) {
            throw new DataException(f, "cannot read idx header: " + e.getMessage(), e);
        }
    }

    /** @return number of images per class folder of {@code cifar10-jpg/<split>}, or null if absent */
    public static Map<String, Integer> jpgCounts(DataRoot root, Split split) {
        Path d = root.child(CIFAR10_JPG_DIR).resolve(split.id());
        return Files.isDirectory(d) ? classCounts(ImageFolderReader.list(d)) : null;
    }

    /** @return images per class folder of an image-folder listing, in class order (the reader's own listing) */
    public static Map<String, Integer> classCounts(ImageFolderReader.Listing listing) {
        Map<String, Integer> m = new LinkedHashMap<>();
        listing.classNames().forEach(c -> m.put(c, 0));
        listing.entries().forEach(e -> m.merge(listing.classNames().get(e.label()), 1, Integer::sum));
        return m;
    }

    /** @return instructions for putting the files in place by hand (no network) */
    public String placementHelp(DataRoot root) {
        Sources.Source src = Sources.of(id);
        StringBuilder sb = new StringBuilder();
        Path d = root.child(dir);
        if (src.archive()) {
            Sources.RemoteFile f = src.files().get(0);
            sb.append("Download ").append(src.mirrors().get(0)).append(f.name()).append(" (MD5 ").append(f.md5())
                    .append(") on a machine with network and extract it into ").append(root.path())
                    .append(" (tar xzf ").append(f.name()).append(" -C ").append(root.path()).append("), so that ")
                    .append(d).append("/ holds ");
            List<String> all = new ArrayList<>();
            for (Split s : official.keySet()) {
                all.addAll(files(s));
            }
            sb.append(String.join(", ", all)).append('.');
        } else {
            sb.append("Put the four files ");
            for (Sources.RemoteFile f : src.files()) {
                sb.append(f.name()).append(" (MD5 ").append(f.md5()).append("), ");
            }
            sb.append("from ").append(String.join(" or ", src.mirrors())).append(" into ").append(d)
                    .append("/ (gzipped or not).");
        }
        if (this == CIFAR10) {
            sb.append(" Alternatively put an image-folder copy at ").append(root.child(CIFAR10_JPG_DIR))
                    .append("/{train,test}/<class>/*.jpg with the ten CIFAR-10 class folders.");
        }
        sb.append(" Or run `sslbench data fetch ").append(id).append("`, or point --data-root (or ")
                .append(DataRoot.ENV).append(") at a directory that has them.");
        return sb.toString();
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
