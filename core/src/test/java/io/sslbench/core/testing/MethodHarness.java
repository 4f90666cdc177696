package io.sslbench.core.testing;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.OnlineNetwork;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.SyntheticBatches;
import io.sslbench.core.engine.Trainer;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;
import java.util.Map;

/**
 * Builds a method from its bundled config (with overrides) on a tiny encoder and synthetic views of
 * the method's own view sizes, for method-module tests.
 */
public final class MethodHarness {
    public final RunConfig config;
    public final SslMethod method;
    public final Trainer trainer;
    public final SyntheticBatches data;

    private MethodHarness(RunConfig config, SslMethod method, Trainer trainer, SyntheticBatches data) {
        this.config = config;
        this.method = method;
        this.trainer = trainer;
        this.data = data;
    }

    /**
     * @param bundled bundled config name, e.g. "moco-v2-cifar10"
     * @param sets    overrides (batch size, head widths...)
     */
    public static MethodHarness of(String bundled, String... sets) {
        return build(null, bundled, sets);
    }

    /**
     * As {@link #of} on a real backbone (its fast BN layers: the ones that carry a method's BN layout) instead of the
     * tiny encoder.
     *
     * @param backbone a backbone id, e.g. "small-cifar"
     */
    public static MethodHarness withBackbone(String backbone, String bundled, String... sets) {
        return build(backbone, bundled, sets);
    }

    private static MethodHarness build(String backbone, String bundled, String... sets) {
        Map<String, Object> tree = ConfigTree.override(ConfigTree.load(bundled),
                List.of(concat(new String[]{"engine.quiet=true", "engine.onlineProbe=false", "epochs=2"}, sets)));
        RunConfig cfg = RunConfig.from(tree);
        SslMethod m = MethodProvider.forConfig(cfg);
        List<ViewPipeline> views = m.views(Presets.Target.CIFAR);
        int[] sizes = views.stream().mapToInt(v -> Math.max(8, v.outputSize() / 4)).toArray();
        OnlineNetwork.EncoderFactory encoder = backbone == null ? TinyNets.encoder(true)
                : OnlineNetwork.EncoderFactory.of(io.sslbench.core.nn.BackboneSpec.parse(backbone), m.zeroInitResidual());
        OnlineNetwork.Built net = OnlineNetwork.build(encoder, m, 3, sizes[0], cfg.seed(), DataType.FLOAT);
        SyntheticBatches data = new SyntheticBatches(3, cfg.batchSize(), 3, sizes, 10, cfg.seed(), DataType.FLOAT);
        Trainer t = new Trainer(cfg, m, net, data, null, 10, null, null);
        return new MethodHarness(cfg, m, t, data);
    }

    /** Runs training step {@code step} of epoch 0 and returns its gradients. */
    public Trainer.StepGradients step(int step) {
        trainer.setStep(step);
        return trainer.trainStep(data.batch(0, step));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
