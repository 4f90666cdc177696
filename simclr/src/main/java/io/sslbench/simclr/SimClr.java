package io.sslbench.simclr;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.engine.StepInputs;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.TrainContext;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.nn.Heads;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * SimCLR v1/v2: two views of each image through one encoder and projection head; NT-Xent over the 2N
 * embeddings, each anchor with its positive and 2(N−1) negatives (SimCLR Algorithm 1).
 */
public final class SimClr implements SslMethod {
    private final String id;
    private final SimClrConfig cfg;

    public SimClr(String id, SimClrConfig cfg) {
        this.id = id;
        this.cfg = cfg;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<ViewPipeline> views(Presets.Target target) {
        return Presets.simclr(target);
    }

    /**
     * "We use a MLP with one hidden layer to obtain z = g(h) = W2 σ(W1 h)" (v1, Sec. 2.1); v2 uses a
     * deeper head (3 layers) and fine-tunes from its first layer. BN follows each hidden layer, as in
     * the official code. The ablation heads: "linear" (one layer, no BN) and "none" (z = h).
     */
    @Override
    public String addHeads(GraphBuilder g, String features, int featureDim) {
        int hidden = cfg.hiddenDim() == 0 ? featureDim : cfg.hiddenDim();
        return switch (cfg.head()) {
            case "none" -> features;
            case "linear" -> Heads.add(g, features, List.of(Heads.Block.linear(cfg.outDim())), "proj");
            default -> {
                yield Heads.add(g, features,
                        Heads.mlp(cfg.projLayers(), hidden, Heads.Block.bn(cfg.outDim(), true)), "proj");
            }
        };
    }

    @Override
    public StepInputs prepare(TrainContext ctx, INDArray[] views) {
        return StepInputs.of(Nd4j.concat(0, views[0], views[1]));
    }

    @Override
    public LossResult loss(INDArray z, INDArray targets, TrainContext ctx) {
        return NtXentLoss.compute(z, cfg.temperature());
    }

    /** v2 fine-tunes "from the first layer of the projection head" (SimCLRv2, Sec. 2). */
    @Override
    public String fineTuneFrom(String featuresVertex) {
        boolean hasHiddenLayer = cfg.head().equals("mlp") && cfg.projLayers() > 1;
        return id.equals("simclr-v2") && hasHiddenLayer ? "proj0_act" : featuresVertex; // Heads' naming
    }

    @Override
    public List<String> deviations() {
        return List.of(
                "BN statistics of the projection head are computed over both views together (2N rows), as the official TF code's concatenated batch; the encoder likewise (no per-replica BN).",
                "The final projection layer is followed by a BN with scale/shift as in the official code's proj_out; lightly's head omits it.",
                "CIFAR presets use ResNet-18 (CIFAR stem) by default instead of ResNet-50; epochs and batch are scaled to CPU budgets in the quick/short suites.",
                "SimCLR v2's optional MoCo-style memory of negatives is not implemented.");
    }
}
