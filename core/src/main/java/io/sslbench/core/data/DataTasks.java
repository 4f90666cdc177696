package io.sslbench.core.data;

import io.sslbench.core.data.download.Fetcher;
import io.sslbench.core.data.download.Sources;
import io.sslbench.core.util.Hashing;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * What {@code sslbench data} does (its command line is eval's {@code DataCli}): {@link #list}, {@link #fetch} and
 * {@link #verify} under a data root. Each returns an exit status: 0 on success, 1 on a failed fetch or verification.
 */
public final class DataTasks {
    private DataTasks() {}

    /** The data sets the tasks know, for usage texts. */
    public static final List<String> DATASETS = Arrays.stream(KnownDataset.values()).map(KnownDataset::id).toList();

    /** Prints what is present under {@code root}, per data set and split, with image counts. */
    public static int list(DataRoot root, PrintStream out) {
        out.println("data root: " + root.path() + " (" + root.origin() + ")");
        out.println(String.format(Locale.ROOT, "%-14s %-10s %8s  %s", "dataset", "split", "images", "source"));
        for (KnownDataset k : KnownDataset.values()) {
            boolean any = false;
            for (Split s : k.officialCounts().keySet()) {
                if (!k.present(root, s)) {
                    continue;
                }
                any = true;
                String n;
                try {
                    n = Long.toString(k.count(root, s));
                } catch (DataException e) {
                    n = "damaged: " + e.getMessage();
                }
                out.println(String.format(Locale.ROOT, "%-14s %-10s %8s  %s/", k.id(), s.id(), n, k.dirName()));
            }
            if (k == KnownDataset.CIFAR10) {
                for (Split s : List.of(Split.TRAIN, Split.TEST)) {
                    Map<String, Integer> c = KnownDataset.jpgCounts(root, s);
                    if (c != null) {
                        any = true;
                        int total = c.values().stream().mapToInt(Integer::intValue).sum();
                        out.println(String.format(Locale.ROOT, "%-14s %-10s %8d  %s/%s/ (%d class folders)", k.id(),
                                s.id(), total, KnownDataset.CIFAR10_JPG_DIR, s.id(), c.size()));
                    }
                }
            }
            if (!any) {
                out.println(String.format(Locale.ROOT, "%-14s %-10s %8s  absent (sslbench data fetch %s)", k.id(), "-",
                        "-", k.id()));
            }
        }
        return 0;
    }

    /**
     * Downloads {@code k} from its official source (or {@code baseUrl}/file), verifies the published MD5s, extracts.
     *
     * @param quiet   no progress bar
     * @param baseUrl null for the official mirrors
     */
    public static int fetch(KnownDataset k, DataRoot root, boolean quiet, String baseUrl, PrintStream out) {
        boolean complete = k.officialCounts().keySet().stream().allMatch(s -> k.present(root, s));
        if (complete) {
            out.println(k.id() + " is already present in " + root.child(k.dirName()) + "; `sslbench data verify "
                    + k.id() + "` checks it");
            return 0;
        }
        try {
            Datasets.fetch(k, root, LoadOptions.defaults().withQuiet(quiet).withBaseUrl(baseUrl).withDownload(true),
                    quiet ? null : out);
        } catch (DataException e) {
            out.println("fetch failed: " + e.getMessage());
            return 1;
        }
        out.println(k.id() + " fetched into " + root.child(k.dirName()));
        return 0;
    }

    /** Checksums (published MD5s, extraction manifests) and record counts of one data set; @return 0 if all passed */
    public static int verify(KnownDataset k, DataRoot root, PrintStream out) {
        List<String> failures = new ArrayList<>();
        Path dir = root.child(k.dirName());
        out.println("verifying " + k.id() + " in " + dir);
        boolean anySplit = k.officialCounts().keySet().stream().anyMatch(s -> k.present(root, s));
        if (anySplit) {
            checksums(k, root, out, failures);
            for (Map.Entry<Split, Integer> e : k.officialCounts().entrySet()) {
                Split s = e.getKey();
                if (!k.present(root, s)) {
                    out.println("  " + s.id() + ": MISSING " + k.files(s));
                    failures.add(s.id() + " missing");
                    continue;
                }
                try {
                    long n = k.count(root, s);
                    if (s != Split.UNLABELED) {
                        // full read: record structure and label ranges
                        n = Datasets.load(k.id(), s.id(), root, LoadOptions.defaults().withCache(false)).size();
                    }
                    boolean ok = n == e.getValue();
                    out.println("  " + s.id() + ": " + n + " records, official " + e.getValue() + (ok ? "  ok" : "  MISMATCH"));
                    if (!ok) {
                        failures.add(s.id() + " count");
                    }
                } catch (DataException ex) {
                    out.println("  " + s.id() + ": DAMAGED " + ex.getMessage());
                    failures.add(s.id() + " damaged");
                }
            }
        }
        boolean jpg = false;
        if (k == KnownDataset.CIFAR10) {
            int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
            for (Split s : List.of(Split.TRAIN, Split.TEST)) {
                Path d = root.child(KnownDataset.CIFAR10_JPG_DIR).resolve(s.id());
                if (!Files.isDirectory(d)) {
                    continue;
                }
                jpg = true;
                String label = KnownDataset.CIFAR10_JPG_DIR + "/" + s.id();
                ImageFolderReader.Listing listing;
                try {
                    listing = ImageFolderReader.list(d);
                } catch (DataException ex) {
                    out.println("  " + label + ": DAMAGED " + ex.getMessage());
                    failures.add(label);
                    continue;
                }
                // every image decoded as pretraining decodes it (in parallel), each bad file named
                List<String> bad = ImageFolderReader.unreadable(listing, threads);
                bad.forEach(m -> out.println("    " + m));
                int n = listing.entries().size();
                Map<String, Integer> c = KnownDataset.classCounts(listing);
                int per = s == Split.TRAIN ? 5000 : 1000;
                boolean classesOk = List.copyOf(c.keySet()).equals(CifarBinaryReader.CIFAR10_CLASSES);
                boolean countsOk = c.values().stream().allMatch(v -> v == per);
                out.println("  " + label + ": " + (bad.isEmpty() ? n + " images decoded" : bad.size() + " of " + n
                        + " images unreadable") + ", classes "
                        + (classesOk ? "in CIFAR-10 label order" : "WRONG " + c.keySet()) + ", "
                        + (countsOk ? per + " per class  ok" : "per-class counts " + c.values() + " MISMATCH")
                        + " (no published checksum for image-folder copies)");
                if (!bad.isEmpty() || !classesOk || !countsOk) {
                    failures.add(label);
                }
            }
        }
        if (!anySplit && !jpg) {
            out.println("  absent. " + k.placementHelp(root));
            return 1;
        }
        out.println(failures.isEmpty() ? k.id() + ": ok" : k.id() + ": FAILED (" + String.join(", ", failures) + ")");
        return failures.isEmpty() ? 0 : 1;
    }

    private static void checksums(KnownDataset k, DataRoot root, PrintStream out, List<String> failures) {
        Sources.Source src = Sources.of(k.id());
        if (src.archive()) {
            Sources.RemoteFile f = src.files().get(0);
            Path archive = root.child(f.name());
            if (Files.isRegularFile(archive)) {
                String md5 = Hashing.fileHex(archive, "MD5");
                boolean ok = md5.equalsIgnoreCase(f.md5());
                out.println("  " + f.name() + ": MD5 " + md5 + (ok ? "  ok" : "  MISMATCH, published " + f.md5()));
                if (!ok) {
                    failures.add(f.name() + " MD5");
                }
            }
            Path manifest = Fetcher.manifestFor(root.path(), f.name());
            if (!Files.isRegularFile(manifest)) {
                out.println("  no extraction manifest (" + manifest + "): files not fetched by sslbench; the published "
                        + "MD5 covers the archive only, so only record counts are checked");
                return;
            }
            int checked = 0;
            try {
                for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                    if (line.startsWith("#") || line.isBlank()) {
                        continue;
                    }
                    String sha = line.substring(0, 64);
                    String rel = line.substring(66);
                    Path p = root.child(rel);
                    if (!Files.isRegularFile(p)) {
                        out.println("  " + rel + ": MISSING (listed in " + manifest.getFileName() + ")");
                        failures.add(rel + " missing");
                    } else if (!Hashing.fileHex(p, "SHA-256").equals(sha)) {
                        out.println("  " + rel + ": SHA-256 differs from the extraction manifest");
                        failures.add(rel + " SHA-256");
                    } else {
                        checked++;
                    }
                }
            } catch (IOException | StringIndexOutOfBoundsException e) {
                out.println("  manifest " + manifest + " unreadable: " + e.getMessage());
                failures.add("manifest");
            }
            out.println("  " + checked + " extracted files match the manifest of " + f.name() + " (MD5 " + f.md5()
                    + " verified at download)");
            return;
        }
        Path dir = root.child(k.dirName());
        boolean recompressed = false;
        for (Sources.RemoteFile f : src.files()) {
            Path gz = dir.resolve(f.name());
            String plain = f.name().substring(0, f.name().length() - 3);
            if (Files.isRegularFile(gz)) {
                String md5 = Hashing.fileHex(gz, "MD5");
                if (md5.equalsIgnoreCase(f.md5())) {
                    out.println("  " + f.name() + ": MD5 " + md5 + "  ok");
                    continue;
                }
                if (f.contentMd5() == null) {
                    String hint = hasGzipFileName(gz) ? "" : " (its gzip header has no file name, unlike the "
                            + "official files: a re-compressed copy, whose content may still be intact; see record counts)";
                    out.println("  " + f.name() + ": MD5 " + md5 + "  MISMATCH, published " + f.md5() + hint);
                    failures.add(f.name() + " MD5");
                    continue;
                }
                String content = gunzipMd5(gz);
                boolean ok = f.contentMd5().equalsIgnoreCase(content);
                out.println("  " + f.name() + ": archive MD5 " + md5 + " (published " + f.md5() + "), content MD5 "
                        + content + (ok ? "  ok, the official content" : "  MISMATCH, official " + f.contentMd5()));
                if (ok) {
                    recompressed = true;
                } else {
                    failures.add(f.name() + " content MD5");
                }
            } else if (Files.isRegularFile(dir.resolve(plain))) {
                if (f.contentMd5() == null) {
                    out.println("  " + plain + ": uncompressed; the published MD5 is of " + f.name()
                            + ", so only record counts are checked");
                    continue;
                }
                String content = Hashing.fileHex(dir.resolve(plain), "MD5");
                boolean ok = f.contentMd5().equalsIgnoreCase(content);
                out.println("  " + plain + ": MD5 " + content + (ok ? "  ok, the official content" : "  MISMATCH, official "
                        + f.contentMd5()));
                if (!ok) {
                    failures.add(plain + " content MD5");
                }
            }
        }
        if (recompressed) {
            out.println("  content matches the official files (archive re-compressed)");
        }
    }

    /** @return the MD5 (hex) of a gzip file's decompressed content ("unreadable: ..." if it is not valid gzip) */
    private static String gunzipMd5(Path gz) {
        MessageDigest md = Hashing.digest("MD5");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** @return true if a gzip file's header has the FNAME flag (as the official MNIST files do) */
    private static boolean hasGzipFileName(Path gz) {
        try (InputStream in = Files.newInputStream(gz)) {
            byte[] h = in.readNBytes(4);
            return h.length == 4 && (h[3] & 0x08) != 0;
        } catch (IOException e) {
            return false;
        }
    }
}
