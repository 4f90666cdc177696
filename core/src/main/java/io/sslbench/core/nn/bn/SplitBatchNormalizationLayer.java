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
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
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
 * backward pass (not {@code xhat}); the backward pass recomputes {@code x - mu} from the input.
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
     * @return a new array of the input's shape, in the activations workspace
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        SplitBatchNormalization lc = layerConf();
        INDArray x = input;
        Geometry geo = geometry(x, training ? lc.getGroups() : 1);
        INDArray x4 = x.reshape('c', geo.view());
        int g = (int) geo.groups(), c = (int) geo.channels();
        INDArray mean;
        INDArray var;
        long count;
        if (training) {
            Collective coll = getCollective();
            long local = geo.perGroup() * geo.spatial();
            if (coll.worldSize() == 1) {
                mean = x4.mean(1, 3);
                var = x4.var(false, 1, 3);
                count = local;
            } else {
                INDArray[] st = new INDArray[2];
                count = syncStats(x4, local, coll, st);
                mean = st[0];
                var = st[1];
            }
            if (count < 2) {
                throw new IllegalArgumentException("SplitBatchNormalization '" + lc.getLayerName()
                        + "': training needs more than one value per channel in each group, got " + count
                        + " (input shape " + Arrays.toString(x.shape()) + ", groups=" + lc.getGroups() + ")");
            }
            updateRunningStats(mean, var, count);
        } else {
            mean = getParam(RUNNING_MEAN).reshape(1, c).castTo(x.dataType());
            var = getParam(RUNNING_VAR).reshape(1, c).castTo(x.dataType());
            count = 0;
        }
        INDArray invStd = Transforms.pow(var.add(lc.getEps()), -0.5, false);
        INDArray gamma = getParam(GAMMA).reshape(1, c).castTo(x.dataType());
        INDArray beta = getParam(BETA).reshape(1, c).castTo(x.dataType());
        INDArray scale = invStd.mul(gamma);                 // [G, C]
        INDArray shift = mean.mul(scale).negi().addi(beta); // beta - mu * scale, [G, C]

        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        INDArray out4 = out.reshape('c', geo.view());
        Nd4j.exec(new MulOp(x4, scale.reshape(geo.statView()), out4));
        out4.addi(shift.reshape(geo.statView()));

        cacheMean = mean.reshape(g, c).detach();
        cacheInvStd = invStd.reshape(g, c).detach();
        cacheCount = count;
        cacheTraining = training;
        return out;
    }

    /**
     * Combines per-worker group statistics (Chan et al.'s parallel variance, as PyTorch's SyncBN
     * combines per-GPU mean/var with counts): one all-gather of {@code [count, mean, M2]}.
     *
     * @return the total count per group and channel; {@code out[0] = mean, out[1] = biased var}, [G, C]
     */
    private static long syncStats(INDArray x4, long local, Collective coll, INDArray[] out) {
        int g = (int) x4.size(0), c = (int) x4.size(2), gc = g * c;
        double[] m = x4.mean(1, 3).castTo(DataType.DOUBLE).reshape(gc).toDoubleVector();
        double[] v = x4.var(false, 1, 3).castTo(DataType.DOUBLE).reshape(gc).toDoubleVector();
        double[] packed = new double[1 + 2 * gc];
        packed[0] = local;
        for (int j = 0; j < gc; j++) {
            packed[1 + j] = m[j];
            packed[1 + gc + j] = v[j] * local;
        }
        double[][] all = coll.allGather(Nd4j.createFromArray(packed).reshape(1, packed.length)).toDoubleMatrix();
        if (all.length != coll.worldSize() || all[0].length != packed.length) {
            throw new IllegalStateException("SyncBN: all-gather returned " + all.length + "x" + all[0].length
                    + ", expected " + coll.worldSize() + "x" + packed.length + " (do all workers have the same groups and channels?)");
        }
        double total = 0;
        for (double[] row : all) {
            total += row[0];
        }
        double[] mean = new double[gc], var = new double[gc];
        for (int j = 0; j < gc; j++) {
            double s = 0;
            for (double[] row : all) {
                s += row[0] * row[1 + j];
            }
            mean[j] = s / total;
            double m2 = 0;
            for (double[] row : all) {
                double d = row[1 + j] - mean[j];
                m2 += row[1 + gc + j] + row[0] * d * d;
            }
            var[j] = m2 / total;
        }
        out[0] = Nd4j.createFromArray(mean).reshape(g, c).castTo(x4.dataType());
        out[1] = Nd4j.createFromArray(var).reshape(g, c).castTo(x4.dataType());
        return (long) total;
    }

    /** PyTorch's update with the group average: {@code r = (1 - m) r + m * mean_g(stat)}, unbiased variance. */
    private void updateRunningStats(INDArray mean, INDArray var, long count) {
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
        INDArray x4 = input.reshape('c', geo.view());
        INDArray dy4 = epsilon.reshape('c', geo.view());
        INDArray invStd = cacheInvStd.castTo(dt);
        INDArray xc = x4.castTo(dt).sub(cacheMean.castTo(dt).reshape(geo.statView()));  // x - mu
        INDArray sumDy = dy4.sum(1, 3);                                                  // [G, C]
        INDArray sumDyXc = Nd4j.getExecutioner().exec(new Dot(dy4, xc, 1, 3));          // [G, C]

        INDArray gamma = getParam(GAMMA).reshape(1, c).castTo(dt);
        gradientViews.get(GAMMA).assign(sumDyXc.mul(invStd).sum(0));
        gradientViews.get(BETA).assign(sumDy.sum(0));
        gradientViews.get(RUNNING_MEAN).assign(0);
        gradientViews.get(RUNNING_VAR).assign(0);
        Gradient grad = new DefaultGradient();
        for (String k : SplitBatchNormalizationParamInitializer.getInstance().paramKeys(layerConf())) {
            grad.setGradientFor(k, gradientViews.get(k));
        }

        INDArray scale = invStd.mul(gamma);  // gamma / sqrt(var + eps), [G, C]
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dt, input.shape(), 'c');
        INDArray dx4 = dx.reshape('c', geo.view());
        Nd4j.exec(new MulOp(dy4, scale.reshape(geo.statView()), dx4));
        if (cacheTraining) {
            Collective coll = getCollective();
            if (coll.worldSize() > 1) {
                INDArray both = coll.allReduceSum(Nd4j.concat(0, sumDy.reshape(1, g, c), sumDyXc.reshape(1, g, c)));
                sumDy = both.slice(0).reshape(g, c).castTo(dt);
                sumDyXc = both.slice(1).reshape(g, c).castTo(dt);
            }
            double invM = 1.0 / cacheCount;
            // dx = scale * dy + kx * (x - mu) + k0, kx = -scale * invStd^2 * sum(dy (x-mu)) / M, k0 = -scale * sum(dy) / M
            INDArray kx = scale.mul(invStd).muli(invStd).muli(sumDyXc).muli(-invM);
            INDArray k0 = scale.mul(sumDy).muli(-invM);
            xc.muli(kx.reshape(geo.statView()));
            dx4.addi(xc).addi(k0.reshape(geo.statView()));
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
