package io.sslbench.simclr;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.engine.HeadOutputs;
import io.sslbench.core.engine.EmaTarget;
import io.sslbench.core.engine.FeatureQueue;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.StepInputs;
import io.sslbench.core.engine.TrainContext;
import io.sslbench.core.loss.L2Normalize;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.loss.PretextAccuracy;
import io.sslbench.core.nn.Heads;
import io.sslbench.core.nn.ZeroInitResidual;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SimCLR v1/v2: two views of each image through one encoder and projection head; NT-Xent over the 2N
 * embeddings, each anchor with its positive and 2(N−1) negatives (SimCLR Algorithm 1).
 *
 * <p>With {@code method.queueSize = K > 0}, SimCLR v2's memory (Sec. 2: "we also incorporate the
 * memory mechanism from MoCo"): a momentum (EMA) copy of encoder and head, registered with the engine
 * as EMA target {@value #MEMORY_TARGET}, embeds both views each step; its L2-normalised outputs are
 * enqueued into a {@link FeatureQueue} of K keys after the step, and every anchor's NT-Xent
 * denominator also runs over the K queued keys ({@link NtXentLoss#withMemory}). Positives stay the
 * online pairs. As in MoCo, the momentum update comes before the keys are computed, and the loss
 * uses the queue as it was before this step's keys.
 */
public final class SimClr implements SslMethod {
    /** Name of the memory encoder's EMA target (checkpointed by the engine as {@code target/memory}). */
    public static final String MEMORY_TARGET = "memory";

    private final String id;
    private final SimClrConfig cfg;
    /** Width of the encoder features, recorded by {@link #addHeads} (the key width when head = none). */
    private int featureDim;
    /** The memory of negatives; null when {@code queueSize = 0}. */
    private FeatureQueue memory;
    /** The memory encoder (its EMA target, created in init). */
    private EmaTarget memoryEncoder;
    /**
     * The last step's pretext top-1 over the batch's 2N embeddings ({@link PretextAccuracy#ntXent}; the memory's keys
     * are not candidates); NaN before the first step.
     */
    private double pretextTop1 = Double.NaN;

    public SimClr(String id, SimClrConfig cfg) {
        this.id = id;
        this.cfg = cfg;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public SimClrConfig config() {
        return cfg;
    }

    @Override
    public List<ViewPipeline> views(Presets.Target target) {
        return SimClrViews.of(target);
    }

    /**
     * "We use a MLP with one hidden layer to obtain z = g(h) = W2 σ(W1 h)" (v1, Sec. 2.1); v2 uses a
     * deeper head (3 layers) and fine-tunes from its first layer. As the official {@code model_util.py}
     * ({@code projection_head}, {@code linear_layer}): every layer is a dense layer without bias followed
     * by BN; the hidden layers' BN has scale and shift and a ReLU, the last layer's BN scale only
     * ({@code center=False}). The ablation heads: "linear" (one such last layer: dense without bias,
     * BN without shift, as the official {@code proj_head_mode='linear'}) and "none" (z = h).
     */
    @Override
    public String addHeads(GraphBuilder g, String features, int featureDim) {
        this.featureDim = featureDim;
        int hidden = cfg.hiddenDim() == 0 ? featureDim : cfg.hiddenDim();
        return switch (cfg.head()) {
            case "none" -> features;
            case "linear" -> Heads.add(g, features, List.of(Heads.Block.bn(cfg.outDim(), Heads.Norm.SCALE)), "proj");
            default -> {
                yield Heads.add(g, features,
                        Heads.mlp(cfg.projLayers(), hidden, Heads.Block.bn(cfg.outDim(), Heads.Norm.SCALE)), "proj");
            }
        };
    }

    /** Creates the memory encoder (a copy of the online network) and the queue when the memory is on. */
    @Override
    public void init(TrainContext ctx) {
        if (!cfg.memory()) {
            return;
        }
        if (featureDim < 1) {
            throw new IllegalStateException("SimClr.init before addHeads: the memory's key width is unknown");
        }
        memoryEncoder = ctx.emaTarget(MEMORY_TARGET);
        int keyDim = cfg.head().equals("none") ? featureDim : cfg.outDim();
        // DEVIATION: SimCLR v2 does not say how its memory starts; as MoCo, K random unit vectors.
        memory = FeatureQueue.random(cfg.queueSize(), keyDim, ctx.online().params().dataType(), ctx.config().seed());
    }

    /**
     * Both views as one chunk [2N, C, H, W] (view 1 rows, then view 2). With the memory on, the
     * targets are the memory encoder's embeddings of the same 2N rows, after its momentum update.
     */
    @Override
    public StepInputs prepare(TrainContext ctx, INDArray[] views) {
        INDArray x = Nd4j.concat(0, views[0], views[1]);
        if (!cfg.memory()) {
            return StepInputs.of(x);
        }
        memoryEncoder.update(cfg.momentum()); // before the keys, as MoCo's _momentum_update_key_encoder()
        // DEVIATION: the memory encoder's BN uses the statistics of all 2N rows, like the online
        // encoder here; no ShuffleBN (SimCLR v2 does not describe any, and its BN is global anyway).
        return new StepInputs(new INDArray[]{x}, memoryEncoder.forward(ctx.headVertex(), x));
    }

    @Override
    public LossResult loss(HeadOutputs.Values out, INDArray targets, TrainContext ctx) {
        INDArray z = out.merged();
        pretextTop1 = PretextAccuracy.ntXent(z);
        return memory == null
                ? NtXentLoss.compute(z, cfg.temperature())
                : NtXentLoss.withMemory(z, memory.snapshot(), cfg.temperature());
    }

    /**
     * Enqueues the memory encoder's normalised keys: view 1's N rows, then view 2's (two enqueues of
     * N, so K need only be a multiple of N).
     */
    @Override
    public void afterStep(TrainContext ctx, StepInputs in, HeadOutputs.Values out) {
        if (memory == null) {
            return;
        }
        INDArray keys = L2Normalize.forward(in.targets(), "memory keys").unit();
        long n = keys.rows() / 2;
        // DEVIATION: SimCLR v2 does not say which outputs are buffered; both views' are, 2N keys a step.
        memory.enqueue(keys.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()));
        memory.enqueue(keys.get(NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all()));
    }

    /** @return the memory's K keys [K, D] in storage order (see {@link FeatureQueue#snapshot()}), for tests */
    public INDArray memorySnapshot() {
        requireMemory();
        return memory.snapshot();
    }

    /** @return the row of the memory the next keys are written to, for tests */
    public int memoryPointer() {
        requireMemory();
        return memory.pointer();
    }

    private void requireMemory() {
        if (memory == null) {
            throw new IllegalStateException(id + " has no memory (method.queueSize = 0" + (cfg.memory()
                    ? ", or init has not run)" : ")"));
        }
    }

    /** @return the memory's {@link FeatureQueue#state()} when it is on, else nothing */
    @Override
    public Map<String, INDArray> state() {
        return memory == null ? Map.of() : memory.state();
    }

    @Override
    public void restore(Map<String, INDArray> state) {
        if (cfg.memory()) {
            memory = FeatureQueue.fromState(state);
            if (memory.size() != cfg.queueSize()) {
                throw new IllegalArgumentException("checkpointed memory holds " + memory.size()
                        + " keys, the config asks method.queueSize = " + cfg.queueSize());
            }
        }
    }

    /** v2 fine-tunes "from the first layer of the projection head" (SimCLRv2, Sec. 2). */
    @Override
    public String fineTuneFrom(String featuresVertex) {
        boolean hasHiddenLayer = cfg.head().equals("mlp") && cfg.projLayers() > 1;
        return id.equals("simclr-v2") && hasHiddenLayer ? "proj0_act" : featuresVertex; // Heads' naming
    }

    @Override
    public ZeroInitResidual zeroInitResidual() {
        return cfg.zeroInit();
    }

    @Override
    public boolean excludeBnBias() {
        return cfg.excludeBnBias();
    }

    @Override
    public boolean bnPerView() {
        return cfg.bnPerView();
    }

    /** Per-device BN over both views when {@code method.bnDevices > 1} (the BN-leakage study), else as {@link #bnPerView()}. */
    @Override
    public BnLayout bnLayout() {
        return cfg.bnDevices() > 1 ? BnLayout.perDevice(VIEWS_PER_BATCH, cfg.bnDevices()) : SslMethod.super.bnLayout();
    }

    /** {@code pretextTop1}: the last step's NT-Xent top-1 (the BN-leakage study watches it). */
    @Override
    public Map<String, Double> diagnostics() {
        return Double.isNaN(pretextTop1) ? Map.of() : Map.of(PretextAccuracy.DIAGNOSTIC, pretextTop1);
    }

    @Override
    public List<String> configDeviations() {
        List<String> out = new ArrayList<>();
        if (!cfg.memory()) {
            if (id.equals("simclr-v2")) {
                out.add("The MoCo-style memory of negatives that the SimCLR v2 paper uses (about +1%) is off (method.queueSize=0), as in the official v2 code; the simclr-v2-memory-cifar10 config turns it on.");
            }
        } else {
            out.add("Memory of negatives (K=" + cfg.queueSize() + ", momentum " + cfg.momentum() + "): the paper gives no details; here a momentum copy of encoder+head embeds both views, its normalised outputs (2N a step) are queued after the step and join every anchor's NT-Xent denominator; positives stay the online pairs; the queue starts as random unit vectors and the momentum defaults to MoCo's 0.999.");
            out.add("The memory encoder runs with batch BN statistics over the 2N rows (no ShuffleBN); its BN running statistics are EMA-averaged with its weights (DL4J keeps them among the parameters).");
        }
        out.addAll(SslMethod.trainingChoices(cfg.zeroInitResidual(), SimClrConfig.OFFICIAL_ZERO_INIT_RESIDUAL,
                cfg.excludeBnBias(), SimClrConfig.OFFICIAL_EXCLUDE_BN_BIAS));
        out.addAll(SslMethod.bnLayoutChoice(cfg.bnPerView(), SimClrConfig.OFFICIAL_BN_PER_VIEW));
        if (cfg.bnDevices() != SimClrConfig.OFFICIAL_BN_DEVICES) {
            out.add(SslMethod.overridden("method.bnDevices", cfg.bnDevices(), SimClrConfig.OFFICIAL_BN_DEVICES,
                    "BN statistics per simulated device (each device's rows of both views) instead of global BN"));
        }
        return out;
    }
}
