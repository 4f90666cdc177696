package io.sslbench.core.data;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Locates the read-only shared data: system property {@code sslbench.shared}, else /work/shared. */
final class SharedData {
    private SharedData() {}

    static Path root() {
        String p = System.getProperty("sslbench.shared");
        if (p != null && Files.isDirectory(Path.of(p, "datasets"))) {
            return Path.of(p);
        }
        return Path.of("/work/shared");
    }

    /** @return shared/datasets/{@code rel}; fails the test with a clear message if absent */
    static Path dataset(String rel) {
        Path d = root().resolve("datasets").resolve(rel);
        if (!Files.exists(d)) {
            throw new AssertionError("shared data set missing: " + d + " (set -Dsslbench.shared)");
        }
        return d;
    }

    static void assumePresent(String rel) {
        assumeTrue(Files.exists(root().resolve("datasets").resolve(rel)), "shared " + rel + " absent");
    }
}
