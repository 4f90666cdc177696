package io.sslbench.moco;

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
import io.sslbench.core.nn.bn.ShuffleBn;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MoCo v1/v2 (MoCo Algorithm 1): queries from the online encoder on view 1; keys from the momentum
 * encoder on view 2 with ShuffleBN; InfoNCE against the positive key and a queue of K past keys;
 * the momentum update happens before the keys are computed and the keys are enqueued after the
 * step, as in facebookresearch/moco.
 */
public final class Moco implements SslMethod {
    private final String id;
    private final MocoConfig cfg;
    private FeatureQueue queue;
    /** The key encoder (its EMA target, created in init). */
    private EmaTarget keyEncoder;
    /** The last step's pretext top-1 ({@link PretextAccuracy#infoNce}); NaN before the first step. */
    private double pretextTop1 = Double.NaN;

    public Moco(String id, MocoConfig cfg) {
        this.id = id;
        this.cfg = cfg;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public MocoConfig config() {
        return cfg;
    }

    @Override
    public List<ViewPipeline> views(Presets.Target target) {
        return id.equals("moco-v2") ? MocoViews.v2(target) : MocoViews.v1(target);
    }

    /** v1: "a fc layer (with 128-D output)"; v2: "a 2-layer MLP head (hidden layer 2048-d, with ReLU)". */
    @Override
    public String addHeads(GraphBuilder g, String features, int featureDim) {
        List<Heads.Block> blocks = cfg.head().equals("mlp")
                ? List.of(Heads.Block.relu(featureDim), Heads.Block.linear(cfg.outDim()))
                : List.of(Heads.Block.linear(cfg.outDim()));
        return Heads.add(g, features, blocks, "head");
    }

    @Override
    public void init(TrainContext ctx) {
        keyEncoder = ctx.emaTarget("key");
        queue = FeatureQueue.random(cfg.queueSize(), cfg.outDim(), DataType.FLOAT, ctx.config().seed());
    }

    @Override
    public StepInputs prepare(TrainContext ctx, INDArray[] views) {
        EmaTarget key = keyEncoder;
        key.update(cfg.momentum()); // _momentum_update_key_encoder() before the keys, as the official forward()
        // with per-device BN layers (queries per device) the encoder splits the batch itself: one forward of the keys
        int splits = perDeviceBn() ? 1 : cfg.shuffleGroups();
        INDArray k = ShuffleBn.forward(x -> key.forward(ctx.headVertex(), x), views[1], splits, cfg.shuffleBn(),
                ctx.rng("shufflebn"));
        return new StepInputs(new INDArray[]{views[0]}, k);
    }

    @Override
    public LossResult loss(HeadOutputs.Values out, INDArray k, TrainContext ctx) {
        INDArray q = out.merged();
        INDArray negatives = queue.snapshot();
        pretextTop1 = PretextAccuracy.infoNce(q, k, negatives);
        return InfoNceLoss.compute(q, k, negatives, cfg.temperature());
    }

    /** {@code pretextTop1}: the last step's InfoNCE top-1 (positive key above every queued key; MoCo Sec. 3.3). */
    @Override
    public Map<String, Double> diagnostics() {
        return Double.isNaN(pretextTop1) ? Map.of() : Map.of(PretextAccuracy.DIAGNOSTIC, pretextTop1);
    }

    private boolean perDeviceBn() {
        return cfg.queryBnPerDevice() && cfg.shuffleGroups() > 1;
    }

    /** The queries' BN per simulated device when {@code method.queryBnPerDevice} (the encoder copy's too). */
    @Override
    public BnLayout bnLayout() {
        return perDeviceBn() ? BnLayout.perDevice(1, cfg.shuffleGroups()) : BnLayout.WHOLE;
    }

    @Override
    public void afterStep(TrainContext ctx, StepInputs in, HeadOutputs.Values out) {
        queue.enqueue(L2Normalize.forward(in.targets(), "keys").unit()); // _dequeue_and_enqueue(k)
    }

    /** The queue, for tests: K keys in storage order. */
    public INDArray queueSnapshot() {
        return queue.snapshot();
    }

    @Override
    public Map<String, INDArray> state() {
        return queue.state();
    }

    @Override
    public void restore(Map<String, INDArray> state) {
        queue = FeatureQueue.fromState(state);
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
    public List<String> configDeviations() {
        List<String> out = new ArrayList<>();
        if (!cfg.queryBnPerDevice()) {
            out.add(SslMethod.overridden("method.queryBnPerDevice", false, MocoConfig.OFFICIAL_QUERY_BN_PER_DEVICE,
                    "queries with BN statistics over the whole batch instead of per simulated device"));
        }
        if (!cfg.shuffleBn()) {
            out.add(SslMethod.overridden("method.shuffleBn", false, MocoConfig.OFFICIAL_SHUFFLE_BN,
                    "keys normalised per device without Shuffling BN (the devices hold the queries' images)"));
        }
        out.addAll(SslMethod.trainingChoices(cfg.zeroInitResidual(), MocoConfig.OFFICIAL_ZERO_INIT_RESIDUAL,
                cfg.excludeBnBias(), MocoConfig.OFFICIAL_EXCLUDE_BN_BIAS));
        return out;
    }
}
