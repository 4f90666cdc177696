package io.sslbench.simsiam;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.engine.HeadOutputs;
import io.sslbench.core.engine.Collapse;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.StepInputs;
import io.sslbench.core.engine.TrainContext;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.nn.Heads;
import io.sslbench.core.nn.ZeroInitResidual;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SimSiam (Chen & He 2021, Algorithm 1): {@code L = D(p1, sg(z2))/2 + D(p2, sg(z1))/2}. The graph's
 * head output is {@code [z | p]} (projector and predictor outputs side by side), so the loss sees both
 * and the stop-gradient is exactly "no gradient into the z columns"; without stop-gradient the z
 * columns receive theirs.
 */
public final class SimSiam implements SslMethod {
    private final SimSiamConfig cfg;

    public SimSiam(SimSiamConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public String id() {
        return "simsiam";
    }

    @Override
    public SimSiamConfig config() {
        return cfg;
    }

    @Override
    public List<ViewPipeline> views(Presets.Target target) {
        return SimSiamViews.of(target);
    }

    /**
     * Projector: "3 layers ... BN applied to each fully-connected layer, including its output fc. Its
     * output fc has no ReLU"; the output BN has no affine parameters, as the official builder.
     * Predictor: "2 layers ... BN on its hidden fc layer ... output fc does not have BN or ReLU".
     */
    @Override
    public String addHeads(GraphBuilder g, String features, int featureDim) {
        String z = Heads.add(g, features, Heads.mlp(cfg.projLayers(), cfg.dim(), Heads.Block.bn(cfg.dim(), Heads.Norm.FIXED)), "proj");
        String p = cfg.predictor()
                ? Heads.add(g, z, List.of(Heads.Block.bnRelu(cfg.predHidden()), Heads.Block.linear(cfg.dim())), "pred")
                : z;
        g.addVertex("zp", new MergeVertex(), z, p);
        return "zp";
    }

    @Override
    public StepInputs prepare(TrainContext ctx, INDArray[] views) {
        return StepInputs.of(Nd4j.concat(0, views[0], views[1]));
    }

    @Override
    public LossResult loss(HeadOutputs.Values out, INDArray targets, TrainContext ctx) {
        LossResult r = SimSiamLoss.compute(out.get("p"), out.get("z"), cfg.stopGradient());
        // without the predictor "p" is z again (the merge vertex's second input): its gradient joins z's there
        return out.gradient(r.value(), r.gradient(1) == null ? Map.of("p", r.gradient(0))
                : Map.of("z", r.gradient(1), "p", r.gradient(0)));
    }

    /** {@code [z | p]}: the projection z and the prediction p (z again without the predictor), {@code dim} each. */
    @Override
    public HeadOutputs outputs() {
        return HeadOutputs.of("z", cfg.dim()).and("p", cfg.dim());
    }

    @Override
    public Set<String> fixedLrPrefixes() {
        return cfg.fixedPredictorLr() && cfg.predictor() ? Set.of("pred") : Set.of();
    }

    /** Collapse minimises this loss: "the minimum possible loss of -1" (Fig. 2 left): p and z equal for every image; the loss spans [-1, 1]. */
    @Override
    public Optional<Collapse.TrivialLoss> trivialLoss() {
        return Optional.of(new Collapse.TrivialLoss(-1, 2));
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

    @Override
    public List<String> configDeviations() {
        List<String> out = new ArrayList<>();
        out.addAll(SslMethod.trainingChoices(cfg.zeroInitResidual(), SimSiamConfig.OFFICIAL_ZERO_INIT_RESIDUAL,
                cfg.excludeBnBias(), SimSiamConfig.OFFICIAL_EXCLUDE_BN_BIAS));
        out.addAll(SslMethod.bnLayoutChoice(cfg.bnPerView(), SimSiamConfig.OFFICIAL_BN_PER_VIEW));
        return out;
    }
}
