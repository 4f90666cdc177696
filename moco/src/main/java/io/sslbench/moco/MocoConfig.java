package io.sslbench.moco;

import io.sslbench.core.config.Records;
import io.sslbench.core.nn.ZeroInitResidual;

import java.util.List;
import java.util.Map;

import static io.sslbench.core.config.ConfigException.check;

/**
 * MoCo's method parameters ({@code method:} section).
 *
 * @param momentum      key-encoder EMA momentum m (paper: 0.999)
 * @param temperature   τ (v1: 0.07, v2: 0.2)
 * @param queueSize     K negatives (ImageNet 65536; CIFAR presets 4096); must be a multiple of the batch
 * @param head          "linear" (v1: fc to 128) or "mlp" (v2: 2-layer MLP, hidden = feature dim)
 * @param outDim        embedding width (128)
 * @param shuffleGroups ShuffleBN groups (simulated GPUs) for the key encoder; must divide the batch
 * @param excludeBnBias exclude biases and BN parameters from weight decay (official: false, {@code main_moco.py}
 *                      builds {@code torch.optim.SGD(model.parameters(), ..., weight_decay=...)}: every parameter
 *                      decayed)
 * @param zeroInitResidual which residual blocks start with their last BN gamma at 0: none, all or bottleneck
 *                         (official: none; {@code builder.py} builds {@code base_encoder(num_classes=dim)}:
 *                         torchvision's default, no zero init)
 * @param shuffleBn     Shuffling BN for the keys (official: true, {@code _batch_shuffle_ddp}); false splits the key
 *                      batch into the same devices as the queries', unshuffled, so a query and its positive key are
 *                      normalised with statistics of the same images (the BN-leakage study, MoCo Sec. 3.3)
 * @param queryBnPerDevice the queries' BN statistics per simulated device, {@code shuffleGroups} devices of N/G images
 *                      (official: true, the per-GPU BN of DDP training on 8 GPUs); false: one set of statistics over
 *                      the whole query batch. When true the encoder's BN layers split the batch themselves, queries and
 *                      keys alike (the key encoder is the online network's copy), and the keys go through in one forward
 */
public record MocoConfig(String name, double momentum, double temperature, int queueSize, String head, int outDim,
                         int shuffleGroups, boolean excludeBnBias,
                         String zeroInitResidual, boolean shuffleBn, boolean queryBnPerDevice) {
    /** facebookresearch/moco decays every parameter (plain SGD over {@code model.parameters()}). */
    static final boolean OFFICIAL_EXCLUDE_BN_BIAS = false;
    /** The official code's residual BN initialisation. */
    static final String OFFICIAL_ZERO_INIT_RESIDUAL = "none";
    /** The official key forward shuffles the batch across GPUs. */
    static final boolean OFFICIAL_SHUFFLE_BN = true;
    /** The official queries are normalised per GPU (DDP without SyncBN). */
    static final boolean OFFICIAL_QUERY_BN_PER_DEVICE = true;

    public MocoConfig {
        check(ZeroInitResidual.tokens().contains(zeroInitResidual), "method.zeroInitResidual",
                "one of " + ZeroInitResidual.tokens(), zeroInitResidual);
        check(momentum >= 0 && momentum <= 1, "method.momentum", "in [0, 1]", momentum);
        check(temperature > 0, "method.temperature", "> 0", temperature);
        check(queueSize >= 1, "method.queueSize", ">= 1", queueSize);
        check(List.of("linear", "mlp").contains(head), "method.head", "one of [linear, mlp]", head);
        check(outDim >= 1, "method.outDim", ">= 1", outDim);
        check(shuffleGroups >= 1, "method.shuffleGroups", ">= 1", shuffleGroups);
    }

    /** MoCo v1 (He et al. 2020): linear head, τ 0.07, m 0.999. */
    public static MocoConfig v1() {
        return new MocoConfig("moco-v1", 0.999, 0.07, 4096, "linear", 128, 8, OFFICIAL_EXCLUDE_BN_BIAS,
                OFFICIAL_ZERO_INIT_RESIDUAL, OFFICIAL_SHUFFLE_BN, OFFICIAL_QUERY_BN_PER_DEVICE);
    }

    /** MoCo v2 (Chen et al. 2020): MLP head, τ 0.2 (blur + cosine LR live in the views and the optimiser). */
    public static MocoConfig v2() {
        return new MocoConfig("moco-v2", 0.999, 0.2, 4096, "mlp", 128, 8, OFFICIAL_EXCLUDE_BN_BIAS,
                OFFICIAL_ZERO_INIT_RESIDUAL, OFFICIAL_SHUFFLE_BN, OFFICIAL_QUERY_BN_PER_DEVICE);
    }

    /** Binds and checks the parts that involve the batch size. */
    static MocoConfig bind(String id, Map<String, Object> section, int batchSize) {
        MocoConfig c = Records.bind(MocoConfig.class, section, id.equals("moco-v2") ? v2() : v1(), "method");
        check(c.queueSize() % batchSize == 0, "method.queueSize",
                "a multiple of batchSize=" + batchSize + " (MoCo asserts K % N == 0)", c.queueSize());
        check(batchSize % c.shuffleGroups() == 0 && batchSize / c.shuffleGroups() >= 2, "method.shuffleGroups",
                "a divisor of batchSize=" + batchSize + " leaving >= 2 images per group", c.shuffleGroups());
        return c;
    }

    /** @return {@link #zeroInitResidual()} parsed */
    public ZeroInitResidual zeroInit() {
        return ZeroInitResidual.parse(zeroInitResidual);
    }
}
