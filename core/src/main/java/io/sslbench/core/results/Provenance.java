package io.sslbench.core.results;

import java.util.Objects;

/**
 * Where a number came from: enough to rebuild the run that produced it.
 *
 * @param configHash  SHA-256 (hex, first 16 chars) of the canonical resolved config
 * @param gitCommit   commit of the harness that ran, or "unknown" outside a git checkout
 * @param gitDirty    whether the working tree had uncommitted changes
 * @param seed        the one seed that drove the run
 * @param dataHash    hash of the data set as read (see the data readers), or "synthetic"
 * @param backend     ND4J backend and build, e.g. "CPU/linux-x86_64-onednn-avx2 helpers=on"
 * @param javaVersion {@code java.version}
 * @param dl4jVersion the DL4J/ND4J version on the classpath
 * @param os          {@code os.name os.version}
 * @param arch        {@code os.arch}
 * @param timestamp   ISO-8601 UTC time the run started
 */
public record Provenance(String configHash, String gitCommit, boolean gitDirty, long seed, String dataHash,
                         String backend, String javaVersion, String dl4jVersion, String os, String arch,
                         String timestamp) {
    public Provenance {
        Objects.requireNonNull(configHash, "configHash");
        Objects.requireNonNull(gitCommit, "gitCommit");
        Objects.requireNonNull(dataHash, "dataHash");
        Objects.requireNonNull(backend, "backend");
    }
}
