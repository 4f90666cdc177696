package io.sslbench.example;

import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.SslMethod;

import java.util.List;

/** Registers "align-uniform" (its card: {@code sslbench/methods/align-uniform.yaml}). */
public final class AlignUniformProvider implements MethodProvider {
    @Override
    public List<String> ids() {
        return List.of("align-uniform");
    }

    @Override
    public SslMethod create(String id, RunConfig cfg) {
        return new AlignUniform(AlignUniformConfig.bind(cfg.method()));
    }
}
