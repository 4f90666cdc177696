package io.sslbench.simsiam;

import io.sslbench.core.config.Records;
import io.sslbench.core.nn.ZeroInitResidual;

import java.util.Map;

import static io.sslbench.core.config.ConfigException.check;

/**
 * SimSiam's method parameters, including the ablation switches of the paper's Sec. 4.
 *
 * @param stopGradient       D(p1, sg(z2)) (true, the method) or D(p1, z2) (false: collapses, Fig. 2)
 * @param predictor          the prediction MLP h (false: h = identity, which collapses, Table 1)
 * @param projLayers         projector layers (ImageNet 3; CIFAR 2, paper appendix)
 * @param dim                projection width (2048)
 * @param predHidden         predictor bottleneck width (512)
 * @param fixedPredictorLr   train the predictor at the base lr without decay (paper Sec. 4.2)
 * @param excludeBnBias      exclude biases and BN parameters from weight decay (official: false, {@code
 *                           main_simsiam.py} builds {@code torch.optim.SGD(optim_params, ..., weight_decay=...)}
 *                           over every parameter)
 * @param zeroInitResidual which residual blocks start with their last BN gamma at 0: none, all or bottleneck
 *                         (official: all; {@code builder.py} builds {@code base_encoder(num_classes=dim,
 *                         zero_init_residual=True)})
 * @param bnPerView BN statistics per view in training mode (official: true; {@code builder.py} computes
 *                  {@code z1 = self.projector(self.encoder(x1))} and {@code z2} in separate calls, and
 *                  {@code main_simsiam.py} converts every BN to SyncBN, so each view is normalised over its global batch)
 */
public record SimSiamConfig(String name, boolean stopGradient, boolean predictor, int projLayers, int dim,
                            int predHidden, boolean fixedPredictorLr, boolean excludeBnBias,
                            String zeroInitResidual, boolean bnPerView) {
    /** facebookresearch/simsiam decays every parameter (plain SGD). */
    static final boolean OFFICIAL_EXCLUDE_BN_BIAS = false;
    /** The official code's residual BN initialisation. */
    static final String OFFICIAL_ZERO_INIT_RESIDUAL = "all";
    /** The official code forwards the views separately ({@code z1 = f(x1); z2 = f(x2)}). */
    static final boolean OFFICIAL_BN_PER_VIEW = true;

    public SimSiamConfig {
        check(ZeroInitResidual.tokens().contains(zeroInitResidual), "method.zeroInitResidual",
                "one of " + ZeroInitResidual.tokens(), zeroInitResidual);
        check(projLayers >= 1 && projLayers <= 4, "method.projLayers", "in [1, 4]", projLayers);
        check(dim >= 1, "method.dim", ">= 1", dim);
        check(predHidden >= 1, "method.predHidden", ">= 1", predHidden);
    }

    /** Chen & He 2021: 3-layer projector with BN on the output, 2048-d; predictor 2048→512→2048. */
    public static SimSiamConfig paper() {
        return new SimSiamConfig("simsiam", true, true, 3, 2048, 512, true, OFFICIAL_EXCLUDE_BN_BIAS,
                OFFICIAL_ZERO_INIT_RESIDUAL, OFFICIAL_BN_PER_VIEW);
    }

    static SimSiamConfig bind(Map<String, Object> section) {
        return Records.bind(SimSiamConfig.class, section, paper(), "method");
    }

    /** @return {@link #zeroInitResidual()} parsed */
    public ZeroInitResidual zeroInit() {
        return ZeroInitResidual.parse(zeroInitResidual);
    }
}
