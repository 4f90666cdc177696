package io.sslbench.moco;

import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.SslMethod;

import java.util.List;

/** Registers "moco-v1" and "moco-v2". */
public final class MocoProvider implements MethodProvider {
    @Override
    public List<String> ids() {
        return List.of("moco-v1", "moco-v2");
    }

    @Override
    public SslMethod create(String id, RunConfig cfg) {
        return new Moco(id, MocoConfig.bind(id, cfg.method(), cfg.batchSize()));
    }
}
