package io.sslbench.byol;

import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.SslMethod;

import java.util.List;

/** Registers "byol". */
public final class ByolProvider implements MethodProvider {
    @Override
    public List<String> ids() {
        return List.of("byol");
    }

    @Override
    public SslMethod create(String id, RunConfig cfg) {
        return new Byol(ByolConfig.bind(cfg.method()));
    }
}
