package io.sslbench.simclr;

import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.SslMethod;

import java.util.List;

/** Registers "simclr" and "simclr-v2". */
public final class SimClrProvider implements MethodProvider {
    @Override
    public List<String> ids() {
        return List.of("simclr", "simclr-v2");
    }

    @Override
    public SslMethod create(String id, RunConfig cfg) {
        return new SimClr(id, SimClrConfig.bind(id, cfg.method(), cfg.batchSize()));
    }
}
