package io.sslbench.core.results;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Builds {@link Provenance} records from the running process, the git checkout and the build. */
public final class Provenances {
    private Provenances() {}

    private static final Properties BUILD = load();

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Provenances.class.getClassLoader().getResourceAsStream("sslbench/build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // leaves versions "unknown"
        }
        return p;
    }

    public static String dl4jVersion() {
        return BUILD.getProperty("dl4j.version", "unknown");
    }

    public static String nd4jClassifier() {
        return BUILD.getProperty("nd4j.classifier", "unknown");
    }

    /**
     * @param repo    directory inside the harness's git checkout (the commit and dirty flag come from it)
     * @param backend backend description (see {@code io.sslbench.core.runtime.Backend#describe})
     */
    public static Provenance create(String configHash, long seed, String dataHash, String backend, Path repo) {
        String commit = git(repo, "rev-parse", "HEAD");
        String status = git(repo, "status", "--porcelain", "--untracked-files=no");
        return new Provenance(configHash, commit == null ? "unknown" : commit.strip(),
                status != null && !status.isBlank(), seed, dataHash, backend, System.getProperty("java.version"),
                dl4jVersion(), System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"), Instant.now().toString());
    }

    private static String git(Path repo, String... args) {
        try {
            String[] cmd = new String[args.length + 3];
            cmd[0] = "git";
            cmd[1] = "-C";
            cmd[2] = repo.toAbsolutePath().toString();
            System.arraycopy(args, 0, cmd, 3, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
