package io.sslbench.simsiam;

import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.SslMethod;

import java.util.List;

/** Registers "simsiam". */
public final class SimSiamProvider implements MethodProvider {
    @Override
    public List<String> ids() {
        return List.of("simsiam");
    }

    @Override
    public SslMethod create(String id, RunConfig cfg) {
        return new SimSiam(SimSiamConfig.bind(cfg.method()));
    }
}
