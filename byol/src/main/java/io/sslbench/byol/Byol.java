package io.sslbench.byol;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.engine.EmaTarget;
import io.sslbench.core.engine.HeadOutputs;
import io.sslbench.core.engine.Collapse;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.StepInputs;
import io.sslbench.core.engine.TrainContext;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.nn.Heads;
import io.sslbench.core.nn.ZeroInitResidual;
import io.sslbench.core.optim.Schedules;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * BYOL: the online network (encoder, projector, predictor) predicts the target network's projection
 * of the other view; the target is an EMA of the online network with τ rising from τ_base to 1 by a
 * cosine schedule; the symmetric loss sums the two views' normalised-MSE terms.
 */
public final class Byol implements SslMethod {
    private final ByolConfig cfg;
    private String projection;
    /** The target network (its EMA target, created in init). */
    private EmaTarget target;

    public Byol(ByolConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public String id() {
        return "byol";
    }

    @Override
    public ByolConfig config() {
        return cfg;
    }

    @Override
    public List<ViewPipeline> views(Presets.Target target) {
        return ByolViews.of(target);
    }

    /**
     * "a linear layer with output size 4096 followed by batch normalization, rectified linear units, and a final linear
     * layer with output dimension 256" (projector and predictor alike). As the official {@code networks.py} MLP: the
     * first linear layer has a bias ({@code with_bias=True}; the BN after it cancels it, so it is left out here as in every
     * head), the final one none ({@code hk.Linear(output_size, with_bias=False)}).
     */
    @Override
    public String addHeads(GraphBuilder g, String features, int featureDim) {
        projection = Heads.add(g, features, List.of(hidden(cfg.projHidden()), Heads.Block.linearNoBias(cfg.projOut())), "proj");
        return Heads.add(g, projection, List.of(hidden(cfg.predHidden()), Heads.Block.linearNoBias(cfg.projOut())), "pred");
    }

    /** The MLPs' hidden layer: linear, BN, ReLU; without {@code method.mlpBn} linear with bias and ReLU. */
    private Heads.Block hidden(int width) {
        return cfg.mlpBn() ? Heads.Block.bnRelu(width) : Heads.Block.relu(width);
    }

    @Override
    public void init(TrainContext ctx) {
        target = ctx.emaTarget("target");
    }

    @Override
    public StepInputs prepare(TrainContext ctx, INDArray[] views) {
        INDArray x = Nd4j.concat(0, views[0], views[1]);
        INDArray zTarget = target.forward(projection, x);
        return new StepInputs(new INDArray[]{x}, zTarget);
    }

    @Override
    public LossResult loss(HeadOutputs.Values out, INDArray zTarget, TrainContext ctx) {
        return ByolLoss.compute(out.merged(), zTarget);
    }

    /** Target update after the online step: ξ ← τ ξ + (1 − τ) θ with the cosine τ schedule. */
    @Override
    public void afterStep(TrainContext ctx, StepInputs in, HeadOutputs.Values out) {
        target.update(Schedules.cosineMomentum(cfg.baseMomentum(), ctx.step(), ctx.totalSteps()));
    }

    /** Collapse minimises this loss: every prediction equal to its target gives 0; the summed loss spans [0, 8]. */
    @Override
    public Optional<Collapse.TrivialLoss> trivialLoss() {
        return Optional.of(new Collapse.TrivialLoss(0, 8));
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
        out.addAll(SslMethod.trainingChoices(cfg.zeroInitResidual(), ByolConfig.OFFICIAL_ZERO_INIT_RESIDUAL,
                cfg.excludeBnBias(), ByolConfig.OFFICIAL_EXCLUDE_BN_BIAS));
        out.addAll(SslMethod.bnLayoutChoice(cfg.bnPerView(), ByolConfig.OFFICIAL_BN_PER_VIEW));
        if (!cfg.mlpBn()) {
            out.add(SslMethod.overridden("method.mlpBn", false, true, "no BN in the projector's and predictor's hidden layer"));
        }
        return out;
    }
}
