package io.sslbench.swav;

import io.sslbench.core.config.Records;
import io.sslbench.core.nn.ZeroInitResidual;

import java.util.Map;

import static io.sslbench.core.config.ConfigException.check;

/**
 * SwAV's method parameters.
 *
 * @param numPrototypes          K (3000 in the paper)
 * @param outDim                 projection width (128)
 * @param hidden                 projector hidden width (2048)
 * @param temperature            τ of the swapped prediction (0.1)
 * @param epsilon                Sinkhorn-Knopp ε (0.05)
 * @param sinkhornIterations     Sinkhorn-Knopp iterations (3)
 * @param smallCrops             N small crops besides the 2 global ones (0 = no multi-crop)
 * @param freezePrototypesEpochs prototypes receive no update during these first epochs (paper: 1)
 * @param queueLength            feature queue per assignment crop for small batches (0 = off; a multiple of the batch)
 * @param queueStartEpoch        epoch from which the queue is filled (and used once full)
 * @param excludeBnBias          exclude biases and BN parameters from weight decay and LARS adaptation (official:
 *                               false, {@code main_swav.py} wraps {@code SGD(model.parameters(), weight_decay=...)} in
 *                               apex's {@code LARC}, which decays and adapts every parameter)
 * @param zeroInitResidual which residual blocks start with their last BN gamma at 0: none, all or bottleneck
 *                         (official: none; {@code main_swav.py} keeps {@code resnet50.py}'s {@code
 *                         zero_init_residual=False})
 */
public record SwavConfig(String name, int numPrototypes, int outDim, int hidden, double temperature, double epsilon,
                         int sinkhornIterations, int smallCrops, int freezePrototypesEpochs, int queueLength,
                         int queueStartEpoch, boolean excludeBnBias,
                         String zeroInitResidual) {
    /** facebookresearch/swav: LARC over every parameter. */
    static final boolean OFFICIAL_EXCLUDE_BN_BIAS = false;
    /** The official code's residual BN initialisation. */
    static final String OFFICIAL_ZERO_INIT_RESIDUAL = "none";

    public SwavConfig {
        check(ZeroInitResidual.tokens().contains(zeroInitResidual), "method.zeroInitResidual",
                "one of " + ZeroInitResidual.tokens(), zeroInitResidual);
        check(numPrototypes >= 2, "method.numPrototypes", ">= 2", numPrototypes);
        check(outDim >= 1, "method.outDim", ">= 1", outDim);
        check(hidden >= 1, "method.hidden", ">= 1", hidden);
        check(temperature > 0, "method.temperature", "> 0", temperature);
        check(epsilon > 0, "method.epsilon", "> 0", epsilon);
        check(sinkhornIterations >= 1, "method.sinkhornIterations", ">= 1", sinkhornIterations);
        check(smallCrops >= 0 && smallCrops <= 16, "method.smallCrops", "in [0, 16]", smallCrops);
        check(freezePrototypesEpochs >= 0, "method.freezePrototypesEpochs", ">= 0", freezePrototypesEpochs);
        check(queueLength >= 0, "method.queueLength", ">= 0 (0 = off)", queueLength);
        check(queueStartEpoch >= 0, "method.queueStartEpoch", ">= 0", queueStartEpoch);
    }

    /** Caron et al. 2020: K=3000, τ=0.1, ε=0.05, 3 iterations, 2+6 crops, prototypes frozen for epoch 1. */
    public static SwavConfig paper() {
        return new SwavConfig("swav", 3000, 128, 2048, 0.1, 0.05, 3, 6, 1, 0, 15, OFFICIAL_EXCLUDE_BN_BIAS,
                OFFICIAL_ZERO_INIT_RESIDUAL);
    }

    static SwavConfig bind(Map<String, Object> section, int batchSize) {
        SwavConfig c = Records.bind(SwavConfig.class, section, paper(), "method");
        check(c.queueLength() % batchSize == 0, "method.queueLength", "a multiple of batchSize=" + batchSize, c.queueLength());
        return c;
    }

    /** @return {@link #zeroInitResidual()} parsed */
    public ZeroInitResidual zeroInit() {
        return ZeroInitResidual.parse(zeroInitResidual);
    }
}
