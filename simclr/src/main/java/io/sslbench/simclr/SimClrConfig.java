package io.sslbench.simclr;

import io.sslbench.core.config.Records;
import io.sslbench.core.nn.ZeroInitResidual;

import java.util.List;
import java.util.Map;

import static io.sslbench.core.config.ConfigException.check;

/**
 * SimCLR's method parameters ({@code method:} section of the config).
 *
 * @param temperature τ of NT-Xent (SimCLR CIFAR-10 appendix: 0.5)
 * @param head        projection head: "mlp" (the paper's), "linear" or "none" (the head ablation, Fig. 8)
 * @param projLayers  layers of the MLP head: 2 in v1, 3 in v2
 * @param hiddenDim   hidden width of the MLP head (0 = the encoder's feature dimension, as the paper)
 * @param outDim      output width (paper: 128)
 * @param queueSize   K, the size of SimCLR v2's MoCo-style memory of negatives (0 = off, the default,
 *                    as the official v2 code); when on, a multiple of the batch size
 * @param momentum    EMA momentum m of the memory encoder (used only when {@code queueSize > 0}; the
 *                    paper does not state it: MoCo's 0.999)
 * @param excludeBnBias exclude biases and BN parameters from weight decay and LARS adaptation (official: true,
 *                    {@code model_util.py} gives LARS {@code exclude_from_weight_decay=['batch_normalization',
 *                    'bias', ...]}, which also serves as its adaptation exclusion)
 * @param zeroInitResidual which residual blocks start with their last BN gamma at 0: none, all or bottleneck
 *                         (official: all; {@code resnet.py} passes {@code init_zero=True} to the last {@code
 *                         batch_norm_relu} of both block kinds)
 * @param bnPerView BN statistics per view in training mode (official: false; {@code model.py} concatenates the views
 *                  and runs the network once; the per-view setting is the BN-layout ablation)
 * @param bnDevices simulated devices G for per-device BN (official: 1, i.e. one set of statistics over the whole batch:
 *                  {@code global_bn=True}, BN aggregated over all TPU cores). G &gt; 1 splits the batch into G devices,
 *                  each normalising its N/G images' rows of both views together: BN without cross-replica
 *                  aggregation, the setting whose information leakage the paper's global BN avoids (Sec. 2.2, "Global
 *                  BN"; the BN-leakage study)
 */
public record SimClrConfig(String name, double temperature, String head, int projLayers, int hiddenDim, int outDim,
                           int queueSize, double momentum, boolean excludeBnBias,
                           String zeroInitResidual, boolean bnPerView, int bnDevices) {
    /** The memory is off unless asked for: the official v2 code has none. */
    static final int NO_MEMORY = 0;
    /** MoCo's key-encoder momentum (He et al. 2020); SimCLR v2 does not state its memory network's. */
    static final double MEMORY_MOMENTUM = 0.999;

    /** google-research/simclr: BN and bias variables excluded from LARS's decay and adaptation. */
    static final boolean OFFICIAL_EXCLUDE_BN_BIAS = true;
    /** The official code's residual BN initialisation. */
    static final String OFFICIAL_ZERO_INIT_RESIDUAL = "all";
    /**
     * The official code concatenates the views ({@code tf.concat(features_list, 0)}) and runs the network once, BN over
     * both (and, with {@code global_bn}, over every core's).
     */
    static final boolean OFFICIAL_BN_PER_VIEW = false;
    /** {@code global_bn=True}: one set of statistics over every core's rows. */
    static final int OFFICIAL_BN_DEVICES = 1;

    public SimClrConfig {
        check(ZeroInitResidual.tokens().contains(zeroInitResidual), "method.zeroInitResidual",
                "one of " + ZeroInitResidual.tokens(), zeroInitResidual);
        check(temperature > 0, "method.temperature", "> 0", temperature);
        check(List.of("mlp", "linear", "none").contains(head), "method.head", "one of [mlp, linear, none]", head);
        check(projLayers >= 1 && projLayers <= 4, "method.projLayers", "in [1, 4]", projLayers);
        check(hiddenDim >= 0, "method.hiddenDim", ">= 0 (0 = feature dim)", hiddenDim);
        check(outDim >= 1, "method.outDim", ">= 1", outDim);
        check(queueSize >= 0, "method.queueSize", ">= 0 (0 = no memory)", queueSize);
        check(momentum >= 0 && momentum <= 1, "method.momentum", "in [0, 1]", momentum);
        check(bnDevices >= 1, "method.bnDevices", ">= 1 (1 = global BN)", bnDevices);
        check(bnDevices == 1 || !bnPerView, "method.bnDevices", "1 when method.bnPerView is true (one BN layout at a time)",
                bnDevices);
    }

    /** SimCLR v1 (Chen et al. 2020a): 2-layer MLP head to 128, τ = 0.5 (CIFAR-10, appendix B.9). */
    public static SimClrConfig v1() {
        return new SimClrConfig("simclr", 0.5, "mlp", 2, 0, 128, NO_MEMORY, MEMORY_MOMENTUM, OFFICIAL_EXCLUDE_BN_BIAS,
                OFFICIAL_ZERO_INIT_RESIDUAL, OFFICIAL_BN_PER_VIEW, OFFICIAL_BN_DEVICES);
    }

    /** SimCLR v2 (Chen et al. 2020b): 3-layer projection head; fine-tuning keeps its first layer. */
    public static SimClrConfig v2() {
        return new SimClrConfig("simclr-v2", 0.5, "mlp", 3, 0, 128, NO_MEMORY, MEMORY_MOMENTUM, OFFICIAL_EXCLUDE_BN_BIAS,
                OFFICIAL_ZERO_INIT_RESIDUAL, OFFICIAL_BN_PER_VIEW, OFFICIAL_BN_DEVICES);
    }

    /** @return whether the memory of negatives is on ({@code queueSize > 0}) */
    public boolean memory() {
        return queueSize > 0;
    }

    /** Binds and checks the parts that involve the batch size. */
    static SimClrConfig bind(String id, Map<String, Object> section, int batchSize) {
        SimClrConfig c = Records.bind(SimClrConfig.class, section, id.equals("simclr-v2") ? v2() : v1(), "method");
        // each step enqueues the two views' N keys as two batches of N, which must never wrap (FeatureQueue)
        check(c.queueSize() % batchSize == 0, "method.queueSize",
                "0 (no memory) or a multiple of batchSize=" + batchSize, c.queueSize());
        check(batchSize % c.bnDevices() == 0 && batchSize / c.bnDevices() >= 2, "method.bnDevices",
                "a divisor of batchSize=" + batchSize + " leaving >= 2 images per device", c.bnDevices());
        return c;
    }

    /** @return {@link #zeroInitResidual()} parsed */
    public ZeroInitResidual zeroInit() {
        return ZeroInitResidual.parse(zeroInitResidual);
    }
}
