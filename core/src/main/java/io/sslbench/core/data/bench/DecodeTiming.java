package io.sslbench.core.data.bench;

import io.sslbench.core.data.DataRoot;
import io.sslbench.core.data.Datasets;
import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.LoadOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One-off measurement of loading the CIFAR-10 JPEG copy: cold (decode every JPEG, write the decoded cache) and
 * warm (read the decoded cache). Usage: {@code DecodeTiming <dir holding cifar10-jpg/> [threads]}; the data root
 * used is a fresh temporary directory with a symbolic link to that copy, so the cache starts empty.
 */
public final class DecodeTiming {
    private DecodeTiming() {}

    public static void main(String[] args) throws IOException {
        Path src = Path.of(args.length > 0 ? args[0] : "/work/shared/datasets").resolve("cifar10-jpg");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path root = Files.createTempDirectory("sslbench-timing");
        Files.createSymbolicLink(root.resolve("cifar10-jpg"), src.toAbsolutePath());
        LoadOptions opt = LoadOptions.defaults().withThreads(threads);
        DataRoot dr = DataRoot.of(root);
        for (String pass : new String[]{"cold", "warm"}) {
            long t0 = System.nanoTime();
            ImageDataset train = Datasets.load("cifar10", "train", dr, opt);
            ImageDataset test = Datasets.load("cifar10", "test", dr, opt);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s: %d images in %.2f s (%.0f img/s, %d threads) sha256 train %s%n", pass,
                    train.size() + test.size(), s, (train.size() + test.size()) / s, threads, train.sha256());
        }
        try (var files = Files.list(root.resolve(".cache"))) {
            for (Path f : files.toList()) {
                System.out.printf(Locale.ROOT, "cache file %s: %.1f MB%n", f.getFileName(), Files.size(f) / 1e6);
                Files.delete(f);
            }
        }
        Files.delete(root.resolve(".cache"));
        Files.delete(root.resolve("cifar10-jpg"));
        Files.delete(root);
    }
}
