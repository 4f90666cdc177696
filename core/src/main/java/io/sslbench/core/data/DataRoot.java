package io.sslbench.core.data;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The directory holding the data sets: {@code cifar-10-batches-bin/}, {@code cifar10-jpg/}, {@code cifar-100-binary/},
 * {@code stl10_binary/}, {@code mnist/}, {@code fashion-mnist/}, and the decoded-tensor cache {@code .cache/}.
 *
 * @param path   the directory
 * @param origin how it was chosen: "--data-root", "SSLBENCH_DATA" or "default"
 */
public record DataRoot(Path path, String origin) {
    /** Environment variable naming the data root when no explicit path is given. */
    public static final String ENV = "SSLBENCH_DATA";

    public DataRoot {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(origin, "origin");
        path = path.toAbsolutePath().normalize();
    }

    /** @return a root at an explicit path */
    public static DataRoot of(Path path) {
        return new DataRoot(path, "--data-root");
    }

    /** Resolves from {@code explicit}, else env {@value #ENV}, else {@code ~/.cache/sslbench/data}. */
    public static DataRoot resolve(String explicit) {
        return resolve(explicit, System.getenv(), System.getProperty("user.home"));
    }

    /**
     * @param explicit the {@code --data-root} value, or null/blank
     * @param env      environment variables
     * @param userHome the user's home directory
     */
    public static DataRoot resolve(String explicit, Map<String, String> env, String userHome) {
        if (explicit != null && !explicit.isBlank()) {
            return new DataRoot(Path.of(explicit), "--data-root");
        }
        String e = env.get(ENV);
        if (e != null && !e.isBlank()) {
            return new DataRoot(Path.of(e), ENV);
        }
        return new DataRoot(Path.of(userHome, ".cache", "sslbench", "data"), "default");
    }

    /** @return {@code path/child} */
    public Path child(String child) {
        return path.resolve(child);
    }
}
