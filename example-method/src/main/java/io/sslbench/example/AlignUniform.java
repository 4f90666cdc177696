package io.sslbench.example;

import io.sslbench.core.aug.ColorJitter;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.RandomApply;
import io.sslbench.core.aug.RandomGrayscale;
import io.sslbench.core.aug.RandomHorizontalFlip;
import io.sslbench.core.aug.RandomResizedCrop;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.engine.HeadOutputs;
import io.sslbench.core.engine.StepInputs;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.TrainContext;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.nn.Heads;
import io.sslbench.core.nn.ZeroInitResidual;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Alignment and uniformity (Wang &amp; Isola 2020): two views through one encoder and projection MLP, the loss
 * {@link AlignUniformLoss} on the l2-normalised outputs. No negatives, no target network.
 */
public final class AlignUniform implements SslMethod {
    private final AlignUniformConfig cfg;

    public AlignUniform(AlignUniformConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public String id() {
        return "align-uniform";
    }

    @Override
    public AlignUniformConfig config() {
        return cfg;
    }

    /**
     * The official example's augmentation ({@code RandomResizedCrop(scale=(0.08, 1))}, flip, {@code ColorJitter(0.4, 0.4,
     * 0.4, 0.4)} with p 0.8, grayscale 0.2), at the data set's size, both views alike.
     */
    @Override
    public List<ViewPipeline> views(Presets.Target target) {
        ViewPipeline v = new ViewPipeline(List.of(RandomResizedCrop.of(target.size(), 0.08, 1.0),
                new RandomHorizontalFlip(0.5), new RandomApply<>(0.8, ColorJitter.of(0.4, 0.4, 0.4, 0.4)),
                new RandomGrayscale(0.2)), target.size(), target.normalization());
        return List.of(v, v);
    }

    @Override
    public String addHeads(GraphBuilder g, String features, int featureDim) {
        return Heads.add(g, features, List.of(Heads.Block.bnRelu(cfg.hidden()), Heads.Block.linear(cfg.dim())), "proj");
    }

    @Override
    public StepInputs prepare(TrainContext ctx, INDArray[] views) {
        return new StepInputs(new INDArray[]{Nd4j.concat(0, views[0], views[1])}, null);
    }

    @Override
    public LossResult loss(HeadOutputs.Values out, INDArray targets, TrainContext ctx) {
        return AlignUniformLoss.compute(out.merged(), cfg.alignWeight(), cfg.uniformWeight(), cfg.alpha(), cfg.t());
    }

    @Override
    public boolean excludeBnBias() {
        return cfg.excludeBnBias();
    }

    @Override
    public ZeroInitResidual zeroInitResidual() {
        return ZeroInitResidual.parse(cfg.zeroInitResidual());
    }
}
