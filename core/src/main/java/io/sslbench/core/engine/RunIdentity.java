package io.sslbench.core.engine;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RecordTrees;
import io.sslbench.core.config.RunConfig;

import java.util.Map;

/**
 * What identifies a run: the fully bound, validated config (every default resolved, the method section as the method
 * module bound it, {@link SslMethod#config()}), without the keys that do not change results
 * ({@link RunConfig#identityTree()}). Its hash names run folders, keys grid caching and guards checkpoints; the tree is
 * the run folder's {@code config.yaml}. So a changed code default changes the hash (no stale rows reused) and writing a
 * default explicitly does not.
 */
public final class RunIdentity {
    private RunIdentity() {}

    /** @return the identity tree of {@code cfg}, its method bound by the registered provider (raw when none offers it) */
    public static Map<String, Object> tree(RunConfig cfg) {
        return tree(cfg, MethodCards.of(cfg.methodName()).isPresent() ? MethodProvider.forConfig(cfg) : null);
    }

    /**
     * @param method the method created for {@code cfg} (null, or a method without a bound {@link SslMethod#config()}:
     *               the method section as given)
     */
    public static Map<String, Object> tree(RunConfig cfg, SslMethod method) {
        Map<String, Object> t = cfg.identityTree();
        Record bound = method == null ? null : method.config();
        if (bound != null) {
            Map<String, Object> m = RecordTrees.toTree(bound);
            m.put("name", cfg.methodName()); // the id, whatever the record calls it
            t.put("method", m);
        }
        return t;
    }

    /** @return the hash of {@link #tree(RunConfig)} */
    public static String hash(RunConfig cfg) {
        return ConfigTree.hash(tree(cfg));
    }

    /** @return the hash of {@link #tree(RunConfig, SslMethod)} */
    public static String hash(RunConfig cfg, SslMethod method) {
        return ConfigTree.hash(tree(cfg, method));
    }
}
