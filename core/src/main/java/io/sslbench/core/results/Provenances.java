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
     * @param repo    directory inside the harness's git checkout, asked for the commit and dirty flag only
     *                when the build did not stamp them (see {@link #commitOf})
     * @param backend backend description (see {@code io.sslbench.core.runtime.Backend#describe})
     */
    public static Provenance create(String configHash, long seed, String dataHash, String backend, Path repo) {
        Commit c = commitOf(BUILD, repo);
        return new Provenance(configHash, c.id(), c.dirty(), seed, dataHash, backend, System.getProperty("java.version"),
                dl4jVersion(), System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"), Instant.now().toString());
    }

    /**
     * The code that is running: the commit its classes were built from and whether the tree was dirty (see
     * {@link #commitOf}).
     *
     * @param repo a directory inside the harness's git checkout (asked only when the build did not stamp the commit)
     */
    public static Commit runningCode(Path repo) {
        return commitOf(BUILD, repo);
    }

    /** A commit and whether the tree had uncommitted changes to tracked files. */
    public record Commit(String id, boolean dirty) {
        /**
         * @return whether a result with provenance {@code p} was computed by exactly this code: the same known commit,
         *         and neither tree dirty (a dirty tree is not an identity: two dirty builds of one commit may differ)
         */
        public boolean produced(Provenance p) {
            return !dirty && !p.gitDirty() && !"unknown".equals(id) && id.equals(p.gitCommit());
        }

        /** @return the commit's first 8 characters and "+dirty" when dirty, for messages */
        public String shortName() {
            return (id.length() > 8 ? id.substring(0, 8) : id) + (dirty ? "+dirty" : "");
        }
    }

    /**
     * The commit the running classes were built from: {@code git.commit}/{@code git.dirty} of the build
     * properties, stamped by git-commit-id-maven-plugin at build time. Only when the build could not stamp
     * them (no git checkout at build time) is the checkout at {@code repo} asked, at run time, which is
     * right only if the classes were built from its current HEAD.
     */
    static Commit commitOf(Properties build, Path repo) {
        String stamped = build.getProperty("git.commit", "");
        if (stamped.matches("[0-9a-f]{40}")) {
            return new Commit(stamped, Boolean.parseBoolean(build.getProperty("git.dirty", "false")));
        }
        String commit = git(repo, "rev-parse", "HEAD");
        String status = git(repo, "status", "--porcelain", "--untracked-files=no");
        return new Commit(commit == null ? "unknown" : commit.strip(), status != null && !status.isBlank());
    }

    static String git(Path repo, String... args) {
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
