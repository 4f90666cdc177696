package io.sslbench.swav;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.engine.HeadOutputs;
import io.sslbench.core.engine.Collapse;
import io.sslbench.core.engine.FeatureQueue;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.StepInputs;
import io.sslbench.core.engine.TrainContext;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.nn.Heads;
import io.sslbench.core.nn.ZeroInitResidual;
import io.sslbench.core.nn.fast.FastDense;
import io.sslbench.core.util.Gemm;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.L2NormalizeVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SwAV (Caron et al. 2020): l2-normalised projections scored against K prototypes (a bias-free linear
 * layer whose columns are re-normalised every step); codes from Sinkhorn-Knopp on the two global
 * crops; every other crop predicts them (swapped prediction, τ = 0.1). Multi-crop: the global crops
 * and the small crops are forwarded as two chunks (one per resolution) by the engine. The head output
 * is {@code [z | scores]} so the optional queue can store z.
 */
public final class Swav implements SslMethod {
    static final String PROTOTYPES = "prototypes";
    /** Normalised code entropy from which the codes count as uniform (see {@link #collapseLimits()}). */
    static final double UNIFORM_CODES = 0.99;
    private final SwavConfig cfg;
    private final SwavLoss.Config lossCfg;
    private final FeatureQueue[] queues = new FeatureQueue[2];
    private final long[] queued = new long[2];
    private double codeEntropy = Double.NaN;

    public Swav(SwavConfig cfg) {
        this.cfg = cfg;
        this.lossCfg = new SwavLoss.Config(2 + cfg.smallCrops(), new int[]{0, 1}, cfg.temperature(), cfg.epsilon(),
                cfg.sinkhornIterations());
    }

    @Override
    public String id() {
        return "swav";
    }

    @Override
    public SwavConfig config() {
        return cfg;
    }

    @Override
    public List<ViewPipeline> views(Presets.Target target) {
        return SwavViews.of(target, cfg.smallCrops());
    }

    @Override
    public String addHeads(GraphBuilder g, String features, int featureDim) {
        String proj = Heads.add(g, features, List.of(Heads.Block.bnRelu(cfg.hidden()), Heads.Block.linear(cfg.outDim())), "proj");
        g.addVertex("z", new L2NormalizeVertex(new int[]{1}, 1e-12), proj);
        g.addLayer(PROTOTYPES, new FastDense(cfg.numPrototypes(), false, WeightInit.XAVIER.getWeightInitFunction()), "z");
        g.addVertex("zs", new MergeVertex(), "z", PROTOTYPES);
        g.addLayer("zs_out", new ActivationLayer.Builder().activation(Activation.IDENTITY).build(), "zs");
        return "zs_out";
    }

    @Override
    public void init(TrainContext ctx) {
        normalizePrototypes(ctx);
    }

    /** "normalize the prototypes" at the start of every iteration (main_swav.py), columns of W [D, K]. */
    private static void normalizePrototypes(TrainContext ctx) {
        INDArray w = ctx.online().getParam(PROTOTYPES + "_W");
        w.diviRowVector(w.norm2(0).addi(1e-12));
    }

    @Override
    public StepInputs prepare(TrainContext ctx, INDArray[] views) {
        normalizePrototypes(ctx);
        INDArray global = Nd4j.concat(0, views[0], views[1]);
        if (views.length == 2) {
            return StepInputs.of(global);
        }
        INDArray[] small = Arrays.copyOfRange(views, 2, views.length);
        // DEVIATION: each resolution is a separate chunk through encoder and heads, so the projection head's BN
        // statistics are per resolution; the official forward() concatenates the backbone features of all crops and
        // runs forward_head (projection head with its BN) once over them.
        return new StepInputs(new INDArray[]{global, Nd4j.concat(0, small)}, null);
    }

    @Override
    public LossResult loss(HeadOutputs.Values out, INDArray targets, TrainContext ctx) {
        long b = out.rows() / lossCfg.numCrops();
        INDArray scores = out.get("scores");
        List<INDArray> queueScores = null;
        if (queuesReady()) {
            INDArray w = ctx.online().getParam(PROTOTYPES + "_W");
            queueScores = new ArrayList<>();
            for (FeatureQueue q : queues) {
                queueScores.add(Gemm.gemm(q.snapshot().castTo(w.dataType()), w, false, false));
            }
        }
        INDArray[] codes = SwavLoss.codes(scores, (int) b, lossCfg, queueScores);
        codeEntropy = SwavLoss.normalizedEntropy(codes);
        LossResult r = SwavLoss.swappedPrediction(scores, (int) b, lossCfg, codes);
        return out.gradient(r.value(), Map.of("scores", r.gradient(0))); // z gets its gradient through the prototypes
    }

    /** {@code [z | scores]}: the normalised projection and its prototype scores. */
    @Override
    public HeadOutputs outputs() {
        return HeadOutputs.of("z", cfg.outDim()).and("scores", cfg.numPrototypes());
    }

    /**
     * {@code codeEntropy}: {@link SwavLoss#normalizedEntropy} of the last step's codes, 1 at the uniform
     * assignment (SwAV's trivial solution), lower the sharper the codes.
     */
    @Override
    public Map<String, Double> diagnostics() {
        return Double.isNaN(codeEntropy) ? Map.of() : Map.of("codeEntropy", codeEntropy);
    }

    /**
     * Collapsed once the codes are (almost) the uniform assignment, the trivial solution of Caron et al. 2020
     * (Sec. 3.1): mean normalised code entropy over the last epoch of at least {@link #UNIFORM_CODES}.
     */
    @Override
    public List<Collapse.DiagnosticLimit> collapseLimits() {
        return List.of(new Collapse.DiagnosticLimit("codeEntropy", UNIFORM_CODES,
                "the codes are the uniform assignment, SwAV's trivial solution"));
    }

    private boolean queuesReady() {
        return cfg.queueLength() > 0 && queues[0] != null && queued[0] >= cfg.queueLength();
    }

    @Override
    public void afterStep(TrainContext ctx, StepInputs in, HeadOutputs.Values out) {
        if (cfg.queueLength() == 0 || ctx.epoch() < cfg.queueStartEpoch()) {
            return;
        }
        long b = out.rows() / lossCfg.numCrops();
        for (int c = 0; c < 2; c++) {
            if (queues[c] == null) {
                queues[c] = FeatureQueue.random(cfg.queueLength(), cfg.outDim(), out.merged().dataType(),
                        ctx.config().seed() + c);
            }
            queues[c].enqueue(out.rows("z", c * b, b));
            queued[c] += b;
        }
    }

    /** "freeze the prototypes during the first epoch" (main_swav.py: cancel their gradients). */
    @Override
    public Set<String> frozenPrefixes(TrainContext ctx) {
        return ctx.epoch() < cfg.freezePrototypesEpochs() ? Set.of(PROTOTYPES) : Set.of();
    }

    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        for (int c = 0; c < 2; c++) {
            if (queues[c] != null) {
                int cc = c;
                queues[c].state().forEach((k, v) -> s.put("queue" + cc + "/" + k, v));
                s.put("queued" + c, Nd4j.scalar((double) queued[c]));
            }
        }
        return s;
    }

    @Override
    public void restore(Map<String, INDArray> s) {
        for (int c = 0; c < 2; c++) {
            Map<String, INDArray> q = new LinkedHashMap<>();
            String p = "queue" + c + "/";
            s.forEach((k, v) -> {
                if (k.startsWith(p)) {
                    q.put(k.substring(p.length()), v);
                }
            });
            if (!q.isEmpty()) {
                queues[c] = FeatureQueue.fromState(q);
                queued[c] = (long) s.get("queued" + c).getDouble(0);
            }
        }
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
        out.addAll(SslMethod.trainingChoices(cfg.zeroInitResidual(), SwavConfig.OFFICIAL_ZERO_INIT_RESIDUAL,
                cfg.excludeBnBias(), SwavConfig.OFFICIAL_EXCLUDE_BN_BIAS));
        return out;
    }
}
