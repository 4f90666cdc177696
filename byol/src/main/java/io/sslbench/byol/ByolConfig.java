package io.sslbench.byol;

import io.sslbench.core.config.Records;
import io.sslbench.core.nn.ZeroInitResidual;

import java.util.Map;

import static io.sslbench.core.config.ConfigException.check;

/**
 * BYOL's method parameters.
 *
 * @param baseMomentum τ_base of the target decay, raised to 1 by a cosine schedule (paper: 0.996)
 * @param projHidden   projector hidden width (4096)
 * @param projOut      projection width (256)
 * @param predHidden   predictor hidden width (4096)
 * @param excludeBnBias exclude biases and BN parameters from weight decay and LARS adaptation (official: true,
 *                      {@code byol_experiment.py} passes {@code optimizers.exclude_bias_and_norm} as both the
 *                      weight-decay and the LARS-adaptation filter)
 * @param zeroInitResidual which residual blocks start with their last BN gamma at 0: none, all or bottleneck
 *                         (official: bottleneck; {@code networks.py} uses Haiku's {@code BlockV1}, whose {@code
 *                         scale_init=jnp.zeros} is on the bottleneck's third BN only; the BYOL README notes the
 *                         paper's numbers had gamma 1)
 * @param mlpBn     BN after the hidden layer of the projector and the predictor (official: true, {@code networks.py}'s
 *                  MLP); false is the survey's ablation (BN is what keeps BYOL from collapsing in reproductions
 *                  without it): the hidden layer then has a bias and only the ReLU
 * @param bnPerView BN statistics per view in training mode (official: true; {@code byol_experiment.py} forwards
 *                  {@code view1} and {@code view2} through the online and the target network in separate calls, BN
 *                  over each view's global batch with cross-replica statistics)
 */
public record ByolConfig(String name, double baseMomentum, int projHidden, int projOut, int predHidden,
                         boolean excludeBnBias,
                         String zeroInitResidual, boolean mlpBn, boolean bnPerView) {
    /** deepmind-research/byol: biases and norms excluded from decay and adaptation. */
    static final boolean OFFICIAL_EXCLUDE_BN_BIAS = true;
    /** The official code's residual BN initialisation. */
    static final String OFFICIAL_ZERO_INIT_RESIDUAL = "bottleneck";
    /** The official code forwards the views separately. */
    static final boolean OFFICIAL_BN_PER_VIEW = true;

    public ByolConfig {
        check(ZeroInitResidual.tokens().contains(zeroInitResidual), "method.zeroInitResidual",
                "one of " + ZeroInitResidual.tokens(), zeroInitResidual);
        check(baseMomentum >= 0 && baseMomentum <= 1, "method.baseMomentum", "in [0, 1]", baseMomentum);
        check(projHidden >= 1, "method.projHidden", ">= 1", projHidden);
        check(projOut >= 1, "method.projOut", ">= 1", projOut);
        check(predHidden >= 1, "method.predHidden", ">= 1", predHidden);
    }

    /** Grill et al. 2020, Sec. 3.3: MLPs 4096 → 256, τ_base = 0.996. */
    public static ByolConfig paper() {
        return new ByolConfig("byol", 0.996, 4096, 256, 4096, OFFICIAL_EXCLUDE_BN_BIAS,
                OFFICIAL_ZERO_INIT_RESIDUAL, true, OFFICIAL_BN_PER_VIEW);
    }

    static ByolConfig bind(Map<String, Object> section) {
        return Records.bind(ByolConfig.class, section, paper(), "method");
    }

    /** @return {@link #zeroInitResidual()} parsed */
    public ZeroInitResidual zeroInit() {
        return ZeroInitResidual.parse(zeroInitResidual);
    }
}
