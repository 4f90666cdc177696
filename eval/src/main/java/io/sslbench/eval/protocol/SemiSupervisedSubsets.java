package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Class-balanced labelled subsets for the semi-supervised protocol (SimCLR Sec. 6 / App. B.5: 1% and 10% of the
 * labels "sampled in a class-balanced way"), stored as index files so every method fine-tunes on the same images.
 *
 * <p>File format (UTF-8): header comment lines {@code # key: value} with {@code dataset-sha256}, {@code fraction},
 * {@code seed}, {@code classes}, {@code count}, then one image index per line, ascending.
 */
public final class SemiSupervisedSubsets {
    private SemiSupervisedSubsets() {}

    private static final String MAGIC = "# sslbench semi-supervised subset";

    /**
     * A stored subset.
     *
     * @param indices       image indices into the data set, ascending, distinct
     * @param datasetSha256 {@link ImageDataset#sha256()} of the data set the indices refer to
     * @param fraction      requested fraction of the labelled images, in (0, 1]
     * @param seed          sampling seed
     */
    public record Subset(int[] indices, String datasetSha256, double fraction, long seed) {
        public Subset {
            indices = indices.clone();
            if (datasetSha256 == null || datasetSha256.isBlank() || datasetSha256.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("Subset.datasetSha256 must be a non-empty token, got '" + datasetSha256 + "'");
            }
            checkFraction(fraction);
            for (int i = 0; i < indices.length; i++) {
                if (indices[i] < 0 || (i > 0 && indices[i] <= indices[i - 1])) {
                    throw new IllegalArgumentException("Subset.indices must be ascending, distinct and >= 0; index "
                            + i + " is " + indices[i]);
                }
            }
        }

        @Override
        public int[] indices() {
            return indices.clone();
        }
    }

    /**
     * Class-balanced random subset: {@code m = round(fraction * N / numClasses)} images of every class, drawn
     * without replacement by a partial Fisher-Yates shuffle of each class's indices with one
     * {@code java.util.Random(seed)} (its sequence is fixed by the Java specification, so the subset is the same
     * on every JVM), classes in index order.
     *
     * @param labels     N labels in [0, numClasses)
     * @param numClasses C &gt;= 1
     * @param fraction   in (0, 1], e.g. 0.01 or 0.1
     * @param seed       sampling seed
     * @return C * m indices, ascending
     * @throws IllegalArgumentException if a class has fewer than m images or m would be 0
     */
    public static int[] balanced(int[] labels, int numClasses, double fraction, long seed) {
        checkFraction(fraction);
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label of image " + i + " is " + labels[i]
                        + ", outside [0, " + numClasses + "): semi-supervised subsets need labelled images");
            }
            byClass.get(labels[i]).add(i);
        }
        // DEVIATION: SimCLR's ImageNet subsets hold "around" 12.8 / 128 images per class (classes differ in size);
        // here every class gets exactly the same count, which is identical on balanced sets such as CIFAR.
        long m = Math.round(fraction * labels.length / numClasses);
        if (m < 1) {
            throw new IllegalArgumentException("fraction " + fraction + " of " + labels.length + " images over "
                    + numClasses + " classes leaves no image per class");
        }
        Random rnd = new Random(seed);
        int[] out = new int[(int) (m * numClasses)];
        int o = 0;
        for (int c = 0; c < numClasses; c++) {
            List<Integer> idx = byClass.get(c);
            if (idx.size() < m) {
                throw new IllegalArgumentException("class " + c + " has " + idx.size() + " images, fewer than the "
                        + m + " per class a balanced " + fraction + " subset needs");
            }
            int[] a = idx.stream().mapToInt(Integer::intValue).toArray();
            for (int i = 0; i < m; i++) { // partial Fisher-Yates: a[0..m) is a uniform sample without replacement
                int j = i + rnd.nextInt(a.length - i);
                int t = a[i];
                a[i] = a[j];
                a[j] = t;
                out[o++] = a[i];
            }
        }
        Arrays.sort(out);
        return out;
    }

    /** @return the balanced subset of {@code ds} as a {@link Subset} carrying the data set's hash */
    public static Subset balanced(ImageDataset ds, double fraction, long seed) {
        return new Subset(balanced(ds.labels(), ds.numClasses(), fraction, seed), ds.sha256(), fraction, seed);
    }

    /** Writes {@code s} to {@code file} (atomically: a temporary file, then a move). */
    public static void save(Path file, Subset s) {
        StringBuilder b = new StringBuilder(MAGIC).append('\n')
                .append("# dataset-sha256: ").append(s.datasetSha256()).append('\n')
                .append("# fraction: ").append(s.fraction()).append('\n')
                .append("# seed: ").append(s.seed()).append('\n')
                .append("# count: ").append(s.indices.length).append('\n');
        for (int i : s.indices) {
            b.append(i).append('\n');
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write subset file " + file, e);
        }
    }

    /**
     * Reads a subset file.
     *
     * @throws IllegalArgumentException naming the file and line for a malformed header or index line
     */
    public static Subset load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read subset file " + file, e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
            throw new IllegalArgumentException(file + ":1: not a subset file (first line must be '" + MAGIC + "')");
        }
        Map<String, String> header = new HashMap<>();
        int[] idx = new int[lines.size()];
        int n = 0;
        for (int ln = 1; ln < lines.size(); ln++) {
            String line = lines.get(ln).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException(file + ":" + (ln + 1) + ": header line without 'key: value': " + line);
                }
                header.put(line.substring(1, colon).strip(), line.substring(colon + 1).strip());
                continue;
            }
            try {
                idx[n++] = Integer.parseInt(line);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ":" + (ln + 1) + ": not an image index: '" + line + "'");
            }
        }
        String sha = require(header, "dataset-sha256", file);
        double fraction;
        long seed;
        try {
            fraction = Double.parseDouble(require(header, "fraction", file));
            seed = Long.parseLong(require(header, "seed", file));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": bad fraction or seed in header: " + e.getMessage());
        }
        int[] indices = Arrays.copyOf(idx, n);
        String count = header.get("count");
        if (count != null && !count.equals(Integer.toString(n))) {
            throw new IllegalArgumentException(file + ": header says count " + count + " but the file lists " + n + " indices");
        }
        try {
            return new Subset(indices, sha, fraction, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The shared subset for ({@code ds}, fraction, seed): loaded from {@code file} if it exists (after checking
     * that it was made for this data set, fraction and seed), otherwise drawn with {@link #balanced} and saved.
     *
     * @throws IllegalArgumentException if an existing file was made for another data set, fraction or seed, or
     *                                  refers to images outside the data set
     */
    public static Subset loadOrCreate(Path file, ImageDataset ds, double fraction, long seed) {
        if (!Files.exists(file)) {
            Subset s = balanced(ds, fraction, seed);
            save(file, s);
            return s;
        }
        Subset s = load(file);
        if (!s.datasetSha256().equals(ds.sha256())) {
            throw new IllegalArgumentException(file + " was made for data set " + s.datasetSha256() + ", not "
                    + ds.name() + " (" + ds.sha256() + ")");
        }
        if (Double.compare(s.fraction(), fraction) != 0 || s.seed() != seed) {
            throw new IllegalArgumentException(file + " holds fraction " + s.fraction() + " seed " + s.seed()
                    + ", asked for fraction " + fraction + " seed " + seed);
        }
        int[] idx = s.indices;
        if (idx.length > 0 && idx[idx.length - 1] >= ds.size()) {
            throw new IllegalArgumentException(file + ": index " + idx[idx.length - 1] + " outside data set "
                    + ds.name() + " of " + ds.size() + " images");
        }
        return s;
    }

    private static String require(Map<String, String> header, String key, Path file) {
        String v = header.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(file + ": header lacks '# " + key + ": ...'");
        }
        return v;
    }

    private static void checkFraction(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
    }
}
