package io.sslbench.core.engine;

import io.sslbench.core.loss.LossResult;
import io.sslbench.core.nn.Heads;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * A test method: views stacked [v1; v2] through a linear head; loss = mean_i ||z1_i - z2_i||^2 / 2
 * + an EMA target term so the engine's target machinery is exercised, and a counter in its state.
 */
final class ToyMethod implements SslMethod {
    boolean nan;
    boolean useTarget;
    double stepsSeen;
    /** Called after each step with the number of steps seen (tests). */
    java.util.function.IntConsumer afterStepHook;
    private double lastLoss = Double.NaN;

    @Override
    public String id() {
        return "toy";
    }

    @Override
    public List<io.sslbench.core.aug.ViewPipeline> views(io.sslbench.core.aug.Presets.Target target) {
        return io.sslbench.core.testing.Views.symmetric(target);
    }

    @Override
    public String addHeads(ComputationGraphConfiguration.GraphBuilder g, String features, int featureDim) {
        return Heads.add(g, features, List.of(Heads.Block.linear(6)), "proj");
    }

    @Override
    public void init(TrainContext ctx) {
        if (useTarget) {
            ctx.emaTarget("target");
        }
    }

    @Override
    public StepInputs prepare(TrainContext ctx, INDArray[] views) {
        INDArray x = Nd4j.concat(0, views[0], views[1]);
        INDArray t = null;
        if (useTarget) {
            ctx.emaTarget("target").update(0.9);
            t = ctx.emaTarget("target").forward(ctx.headVertex(), x);
        }
        return new StepInputs(new INDArray[]{x}, t);
    }

    @Override
    public LossResult loss(HeadOutputs.Values out, INDArray targets, TrainContext ctx) {
        INDArray z = out.merged();
        if (nan) {
            return new LossResult(Double.NaN, z.mul(0));
        }
        long n = z.size(0) / 2;
        INDArray z1 = z.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n));
        INDArray z2 = z.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(n, 2 * n));
        INDArray d = z1.sub(z2);
        double v = d.mul(d).sumNumber().doubleValue() / (2.0 * n);
        INDArray g = Nd4j.concat(0, d.div(n), d.neg().divi(n));
        if (targets != null) {
            INDArray e = z.sub(targets);
            v += e.mul(e).sumNumber().doubleValue() / (2.0 * z.size(0));
            g.addi(e.div(z.size(0)));
        }
        lastLoss = v;
        return new LossResult(v, g);
    }

    /** The last loss again, so the engine's diagnostics averaging can be checked against its own loss means. */
    @Override
    public Map<String, Double> diagnostics() {
        return Double.isNaN(lastLoss) ? Map.of() : Map.of("lossAgain", lastLoss);
    }

    @Override
    public void afterStep(TrainContext ctx, StepInputs in, HeadOutputs.Values out) {
        stepsSeen++;
        if (afterStepHook != null) {
            afterStepHook.accept((int) stepsSeen);
        }
    }

    @Override
    public Map<String, INDArray> state() {
        return Map.of("steps", Nd4j.scalar(stepsSeen));
    }

    @Override
    public void restore(Map<String, INDArray> s) {
        stepsSeen = s.get("steps").getDouble(0);
    }

    @Override
    public io.sslbench.core.nn.ZeroInitResidual zeroInitResidual() {
        return io.sslbench.core.nn.ZeroInitResidual.NONE;
    }

    @Override
    public boolean excludeBnBias() {
        return true;
    }

    @Override
    public List<String> deviations() {
        return List.of();
    }
}
