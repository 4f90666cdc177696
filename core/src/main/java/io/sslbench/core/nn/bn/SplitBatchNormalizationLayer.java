package io.sslbench.core.nn.bn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

import static io.sslbench.core.nn.bn.SplitBatchNormalizationParamInitializer.BETA;
import static io.sslbench.core.nn.bn.SplitBatchNormalizationParamInitializer.GAMMA;
import static io.sslbench.core.nn.bn.SplitBatchNormalizationParamInitializer.RUNNING_MEAN;
import static io.sslbench.core.nn.bn.SplitBatchNormalizationParamInitializer.RUNNING_VAR;

/**
 * The layer of {@link SplitBatchNormalization}: per-group batch normalisation with statistics
 * optionally all-reduced over a {@link Collective}.
 *
 * <p>Notation: the input {@code x} ({@code [N, C]} or {@code [N, C, H, W]}) is viewed as
 * {@code [G, n, C, S]} with {@code n = N / G} rows per group and {@code S = H * W} (1 for 2D).
 * For group {@code g} and channel {@code c}, over the {@code M = W_world * n * S} values of all
 * workers:
 * <pre>
 *   mu    = (1/M) sum x                 var = (1/M) sum (x - mu)^2        (biased)
 *   xhat  = (x - mu) / sqrt(var + eps)  y   = gamma_c * xhat + beta_c
 *   running_mean = (1 - m) running_mean + m * mean_g(mu)
 *   running_var  = (1 - m) running_var  + m * mean_g(var * M / (M - 1))    (unbiased, PyTorch)
 * </pre>
 * Backward, with {@code dy = dL/dy} and sums over the group's values (all-reduced over workers):
 * <pre>
 *   dL/dbeta_c  = sum dy                dL/dgamma_c = sum dy * xhat        (local sums: DDP averages them)
 *   dL/dx = gamma / sqrt(var + eps) * (dy - (1/M) sum dy - xhat * (1/M) sum dy * xhat)
 * </pre>
 * In inference mode the running estimates replace {@code mu, var} and {@code dL/dx} is
 * {@code gamma / sqrt(running_var + eps) * dy}.
 *
 * <p>Memory: like PyTorch, only the per-group mean and inverse standard deviation are kept for the
 * backward pass (not {@code xhat}); the backward pass recomputes {@code x - mu} from the input
 * into its output buffer. Neither pass allocates a full-size temporary.
 *
 * <p>SyncBN: the forward pass all-reduces the per-group sums (with the counts), then the
 * per-group sums of squared deviations from the global mean: an exact two-pass variance over all
 * workers, two small all-reduces of {@code [G, C + 1]} and {@code [G, C]} values.
 */
public class SplitBatchNormalizationLayer extends BaseLayer<SplitBatchNormalization> {

    private transient Collective collective = LocalCollective.INSTANCE;

    // state of the last forward pass, needed by backpropGradient (detached, [G, C])
    private INDArray cacheMean;
    private INDArray cacheInvStd;
    private long cacheCount;
    private boolean cacheTraining;

    public SplitBatchNormalizationLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * Sets the collective over which training statistics are all-reduced (SyncBN). Runtime state:
     * not serialised, so set it again after loading a network.
     *
     * @param collective the workers' collective; {@code null} means {@link LocalCollective}
     */
    public void setCollective(Collective collective) {
        this.collective = collective == null ? LocalCollective.INSTANCE : collective;
    }

    /** @return the collective in use ({@link LocalCollective} unless set) */
    public Collective getCollective() {
        return collective == null ? LocalCollective.INSTANCE : collective;
    }

    /**
     * Sets {@code collective} on every {@link SplitBatchNormalizationLayer} of a graph.
     *
     * @return how many layers were set
     */
    public static int setCollective(ComputationGraph graph, Collective collective) {
        int k = 0;
        for (Layer l : graph.getLayers()) {
            if (l instanceof SplitBatchNormalizationLayer s) {
                s.setCollective(collective);
                k++;
            }
        }
        return k;
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void fit(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("SplitBatchNormalization has no layer-wise fit");
    }

    /** Running statistics have a zero gradient; no division by the minibatch for them. */
    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !SplitBatchNormalizationParamInitializer.isRunningStat(paramName);
    }

    /** {@code [G, n, C, S]} view of an input of shape {@code [N, C]} or {@code [N, C, H, W]}. */
    private record Geometry(long groups, long perGroup, long channels, long spatial) {
        long[] view() {
            return new long[]{groups, perGroup, channels, spatial};
        }

        long[] statView() {
            return new long[]{groups, 1, channels, 1};
        }
    }

    private Geometry geometry(INDArray x, int groups) {
        SplitBatchNormalization lc = layerConf();
        if (x.rank() != 2 && x.rank() != 4) {
            throw new IllegalArgumentException("SplitBatchNormalization '" + lc.getLayerName() + "': input must be [N, C] or "
                    + "[N, C, H, W] (NCHW), got shape " + Arrays.toString(x.shape()));
        }
        long n = x.size(0), c = x.size(1);
        if (c != lc.getNOut()) {
            throw new IllegalArgumentException("SplitBatchNormalization '" + lc.getLayerName() + "': input has " + c
                    + " channels in dimension 1, layer has nOut=" + lc.getNOut() + "; shape " + Arrays.toString(x.shape()));
        }
        if (n % groups != 0 || n == 0) {
            throw new IllegalArgumentException("SplitBatchNormalization '" + lc.getLayerName() + "': minibatch of " + n
                    + " rows is not divisible into groups=" + groups + " equal non-empty groups");
        }
        long s = x.rank() == 4 ? x.size(2) * x.size(3) : 1;
        return new Geometry(groups, n / groups, c, s);
    }

    /**
     * Forward pass: {@code y = gamma * (x - mu) / sqrt(var + eps) + beta} with per-group batch
     * statistics in training (updating the running estimates) and running estimates otherwise.
     *
     * <p>Training computes the statistics in two passes without temporaries: {@code mu} from a
     * sum reduction, then {@code y := x - mu} in the output buffer and {@code var} as its squared
     * norm per group and channel, then {@code y := y * gamma / sqrt(var + eps) + beta} in place.
     * (ND4J's {@code Variance} op, used by DL4J's layer, is 5-20x slower than these reductions.)
     *
     * @return a new array of the input's shape, in the activations workspace
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        SplitBatchNormalization lc = layerConf();
        INDArray x = input;
        // DEVIATION: groups are contiguous row blocks ([view1; view2] -> BN per view); lightly's
        // SplitBatchNorm groups rows n mod G (input.view(-1, C * G, H, W)), the same on shuffled batches.
        Geometry geo = geometry(x, training ? lc.getGroups() : 1);
        INDArray x4 = x.reshape('c', geo.view());
        int g = (int) geo.groups(), c = (int) geo.channels();
        DataType dt = x.dataType();
        INDArray gamma = getParam(GAMMA).reshape(1, c).castTo(dt);
        INDArray beta = getParam(BETA).reshape(1, c).castTo(dt);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dt, x.shape(), 'c');
        INDArray out4 = out.reshape('c', geo.view());
        INDArray mean;
        INDArray invStd;
        long count;
        if (training) {
            Collective coll = getCollective();
            long local = geo.perGroup() * geo.spatial();
            INDArray sum = x4.sum(1, 3);                                             // [G, C]
            count = local;
            if (coll.worldSize() > 1) {
                INDArray packed = Nd4j.concat(1, sum.castTo(DataType.DOUBLE),
                        Nd4j.valueArrayOf(new long[]{g, 1}, (double) local, DataType.DOUBLE));
                INDArray red = coll.allReduceSum(packed);                              // [G, C + 1]
                count = Math.round(red.getDouble(0, c));
                sum = red.get(NDArrayIndex.all(), NDArrayIndex.interval(0, c)).castTo(dt);
            }
            if (count < 2) {
                throw new IllegalArgumentException("SplitBatchNormalization '" + lc.getLayerName()
                        + "': training needs more than one value per channel in each group, got " + count
                        + " (input shape " + Arrays.toString(x.shape()) + ", groups=" + lc.getGroups() + ")");
            }
            mean = sum.div(count);
            Nd4j.exec(new SubOp(x4, mean.reshape(geo.statView()), out4));                // out = x - mu
            INDArray sq = Nd4j.exec(new SquaredNorm(out4, 1, 3));                      // sum (x - mu)^2, [G, C]
            if (coll.worldSize() > 1) {
                sq = coll.allReduceSum(sq.castTo(DataType.DOUBLE)).castTo(dt);
            }
            INDArray var = sq.reshape(g, c).div(count);
            updateRunningStats(mean, var, count);
            invStd = Transforms.pow(var.add(lc.getEps()), -0.5, false);
            out4.muli(invStd.mul(gamma).reshape(geo.statView()));
            out4.addi(beta.reshape(1, 1, c, 1));
        } else {
            mean = getParam(RUNNING_MEAN).reshape(1, c).castTo(dt);
            invStd = Transforms.pow(getParam(RUNNING_VAR).reshape(1, c).castTo(dt).add(lc.getEps()), -0.5, false);
            count = 0;
            INDArray scale = invStd.mul(gamma);
            INDArray shift = mean.mul(scale).negi().addi(beta);                        // beta - mu * scale
            Nd4j.exec(new MulOp(x4, scale.reshape(geo.statView()), out4));
            out4.addi(shift.reshape(geo.statView()));
        }
        cacheMean = mean.reshape(g, c).detach();
        cacheInvStd = invStd.reshape(g, c).detach();
        cacheCount = count;
        cacheTraining = training;
        return out;
    }

    /** PyTorch's update with the group average: {@code r = (1 - m) r + m * mean_g(stat)}, unbiased variance. */
    private void updateRunningStats(INDArray mean, INDArray var, long count) {
        // DEVIATION: one momentum step with the average over groups. lightly's SplitBatchNorm keeps G
        // running copies and averages them when switching to eval, which is the same by linearity;
        // SimSiam/BYOL's PyTorch code calls BN once per view, i.e. G sequential steps per iteration.
        double m = layerConf().getMomentum();
        INDArray rm = getParam(RUNNING_MEAN);
        INDArray rv = getParam(RUNNING_VAR);
        INDArray batchMean = mean.mean(0).castTo(rm.dataType());
        INDArray batchVar = var.mean(0).muli((double) count / (count - 1)).castTo(rv.dataType());
        rm.muli(1 - m).addi(batchMean.muli(m));
        rv.muli(1 - m).addi(batchVar.muli(m));
    }

    /**
     * Analytic backward pass of the last forward (see the class formulas); with a collective of
     * world size &gt; 1 the two per-group sums are all-reduced before forming {@code dL/dx}.
     *
     * <p>Training, in the output buffer and without temporaries:
     * {@code dx := x - mu}; {@code s2 = sum dy * dx}, {@code s1 = sum dy};
     * {@code dx := (dx * (-s2 / (M (var + eps))) + dy - s1 / M) * gamma / sqrt(var + eps)}.
     *
     * @param epsilon dL/dy, shape of the input
     * @return the parameter gradient (zero for the running statistics) and dL/dx in the
     *         activation-gradient workspace
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (cacheMean == null) {
            throw new IllegalStateException("SplitBatchNormalization '" + layerConf().getLayerName()
                    + "': backpropGradient called before a forward pass");
        }
        if (!Arrays.equals(epsilon.shape(), input.shape())) {
            throw new IllegalArgumentException("SplitBatchNormalization '" + layerConf().getLayerName() + "': epsilon shape "
                    + Arrays.toString(epsilon.shape()) + " differs from input shape " + Arrays.toString(input.shape()));
        }
        Geometry geo = geometry(input, cacheTraining ? layerConf().getGroups() : 1);
        int g = (int) geo.groups(), c = (int) geo.channels();
        DataType dt = epsilon.dataType();
        INDArray x4 = input.castTo(dt).reshape('c', geo.view());
        INDArray dy4 = epsilon.reshape('c', geo.view());
        INDArray invStd = cacheInvStd.castTo(dt);
        INDArray gamma = getParam(GAMMA).reshape(1, c).castTo(dt);
        INDArray scale = invStd.mul(gamma);                                             // [G, C]
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dt, input.shape(), 'c');
        INDArray dx4 = dx.reshape('c', geo.view());

        Nd4j.exec(new SubOp(x4, cacheMean.castTo(dt).reshape(geo.statView()), dx4));    // dx = x - mu
        INDArray sumDy = dy4.sum(1, 3);                                                 // [G, C]
        INDArray sumDyXc = Nd4j.getExecutioner().exec(new Dot(dy4, dx4, 1, 3)).reshape(g, c);

        gradientViews.get(GAMMA).assign(sumDyXc.mul(invStd).sum(0));
        gradientViews.get(BETA).assign(sumDy.sum(0));
        gradientViews.get(RUNNING_MEAN).assign(0);
        gradientViews.get(RUNNING_VAR).assign(0);
        Gradient grad = new DefaultGradient();
        for (String k : SplitBatchNormalizationParamInitializer.getInstance().paramKeys(layerConf())) {
            grad.setGradientFor(k, gradientViews.get(k));
        }

        if (cacheTraining) {
            Collective coll = getCollective();
            if (coll.worldSize() > 1) {
                INDArray both = coll.allReduceSum(Nd4j.concat(0, sumDy.reshape(1, g, c), sumDyXc.reshape(1, g, c)));
                sumDy = both.slice(0).reshape(g, c).castTo(dt);
                sumDyXc = both.slice(1).reshape(g, c).castTo(dt);
            }
            double invM = 1.0 / cacheCount;
            INDArray kx = invStd.mul(invStd).muli(sumDyXc).muli(-invM);                 // -s2 / (M (var + eps))
            INDArray k0 = sumDy.mul(-invM);                                              // -s1 / M
            dx4.muli(kx.reshape(geo.statView()));
            dx4.addi(dy4);
            dx4.addi(k0.reshape(geo.statView()));
            dx4.muli(scale.reshape(geo.statView()));
        } else {
            Nd4j.exec(new MulOp(dy4, scale.reshape(geo.statView()), dx4));
        }
        return new Pair<>(grad, dx);
    }

    @Override
    public void clear() {
        super.clear();
        cacheMean = null;
        cacheInvStd = null;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no weight noise on normalisation parameters
    }
}
