package io.sslbench.swav;

import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.SslMethod;

import java.util.List;

/** Registers "swav". */
public final class SwavProvider implements MethodProvider {
    @Override
    public List<String> ids() {
        return List.of("swav");
    }

    @Override
    public SslMethod create(String id, RunConfig cfg) {
        return new Swav(SwavConfig.bind(cfg.method(), cfg.batchSize()));
    }
}
