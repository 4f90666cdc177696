package io.sslbench.eval;

import io.sslbench.core.data.DataRoot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A child JVM of the integration tests (the harness's CLI), its output in a log file, with {@code OMP_NUM_THREADS=1}:
 * the same thread count in every process, so that runs compared bit for bit did the same arithmetic (and children
 * do not spin against each other on a shared 2-core machine).
 */
record ChildJvm(Process process, Path logFile) {
    /** @return {@code java <the ./sslbench launcher's flags, smaller limits> -cp <this class path> io.sslbench.eval.cli.Main} */
    static List<String> javaCommand(Path repo) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cacheDir = System.getProperty("org.bytedeco.javacpp.cachedir",
                System.getProperty("user.home") + "/.javacpp-sslbench");
        return new ArrayList<>(List.of(java, "-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=4G",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=6G", "-Dorg.eclipse.deeplearning4j.helpers.disable=false",
                "-Dorg.bytedeco.javacpp.cachedir=" + cacheDir, "-Duser.language=en", "-Dsslbench.repo=" + repo,
                "-cp", System.getProperty("java.class.path"), "io.sslbench.eval.cli.Main"));
    }

    /**
     * @return the data root: as QuickSuiteIT, a relative SSLBENCH_DATA is relative to the repository root; without one,
     *         the shared copy beside the checkout, else the default root (a run downloads CIFAR-10 there if missing)
     */
    static String dataRoot(Path repo) {
        String env = System.getenv(DataRoot.ENV);
        String explicit = env != null && !env.isBlank() && !Path.of(env).isAbsolute() ? repo.resolve(env).toString() : env;
        if (explicit == null || explicit.isBlank()) {
            Path shared = Path.of(System.getProperty("sslbench.shared", repo.resolve("../shared").toString()), "datasets");
            explicit = Files.isDirectory(shared) ? shared.toString() : null;
        }
        return DataRoot.resolve(explicit).path().toString();
    }

    static ChildJvm start(List<String> cmd, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("SSLBENCH_DEBUG", "1"); // stack traces in the log
        return new ChildJvm(pb.start(), log);
    }

    int waitFor(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            kill();
            fail("child still running after " + seconds + " s:\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGKILL (destroyForcibly on Linux) to the JVM and anything it started (e.g. git for provenance). */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String tail() {
        List<String> l = log().lines().toList();
        return String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
    }
}
