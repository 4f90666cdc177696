package io.sslbench.core.engine;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.util.Suggest;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Registers methods with the harness (java.util.ServiceLoader: each method module lists its provider
 * in {@code META-INF/services/io.sslbench.core.engine.MethodProvider}).
 */
public interface MethodProvider {
    /** @return the method ids this provider creates, e.g. ["simclr", "simclr-v2"] */
    List<String> ids();

    /**
     * @return the classpath resource of this provider's {@link MethodCard}s (display names, paper numbers, official
     *         linear evaluation); default {@code sslbench/methods/<first id>.yaml}
     */
    default String card() {
        return "sslbench/methods/" + ids().get(0) + ".yaml";
    }

    /** Creates the method for a validated run config; binds and validates {@code cfg.method()}. */
    SslMethod create(String id, RunConfig cfg);

    /** @return the method named by {@code cfg.method().name}, from whichever provider offers it */
    static SslMethod forConfig(RunConfig cfg) {
        String id = cfg.methodName();
        TreeSet<String> known = new TreeSet<>();
        for (MethodProvider p : ServiceLoader.load(MethodProvider.class)) {
            if (p.ids().contains(id)) {
                return p.create(id, cfg);
            }
            known.addAll(p.ids());
        }
        throw new ConfigException("method.name", "unknown method '" + id + "'" + Suggest.didYouMean(id, known)
                + "; available: " + known);
    }

    /** @return every registered method id */
    static List<String> available() {
        List<String> out = new ArrayList<>();
        ServiceLoader.load(MethodProvider.class).forEach(p -> out.addAll(p.ids()));
        return out;
    }
}
