package io.sslbench.core.nn.fast;

import io.sslbench.core.runtime.Backend;
import io.sslbench.core.runtime.KernelInfo;
import io.sslbench.core.util.Buffers;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * DL4J's BatchNormalization layer with its training forward and backward computed by oneDNN's primitives
 * ({@link DnnlBn}: blocked images and {@code [N, C]} rows, one call per statistics group made of one contiguous block
 * of rows) or {@link BnKernels} (fused Java passes: NCHW images, any groups) instead of DL4J's oneDNN helper path,
 * which computes the batch mean and variance with two separate strided reductions before the normalisation op and
 * adds several elementwise ops to the backward.
 *
 * <p>Semantics are DL4J's, so parameters, checkpoints and the optimiser's handling are unchanged: training mode
 * normalises with the batch mean and biased variance; the running statistics are updated through their gradient slot
 * with DL4J's "distributed-safe" delta ({@code dMean = (1 - decay)(mean - batchMean)}, the same for the variance, or
 * the log10-std form when {@code useLogStd}), which the optimiser subtracts; inference mode uses the running
 * statistics. The fast path runs when DL4J's layer helpers are enabled ({@link Backend#helpersEnabled()}) for FLOAT,
 * NCHW or 2-d input, trainable or locked gamma/beta; everywhere else (DOUBLE reference networks, helpers off) this is
 * DL4J's layer.
 */
public class FastBatchNormalizationLayer extends BatchNormalization implements KernelInfo {
    private final boolean fast;
    /** Whether DL4J's helpers were enabled when the layer was created (as for every layer of its network). */
    private final boolean helpers;
    /**
     * Batch statistics of the last fast training forward, and the input they belong to: per row group
     * ({@link FastBatchNormalization#getGroups()}), and their average, which moves the running statistics.
     */
    private INDArray statsInput;
    private double[][] groupMean;
    /** The row blocks of the last training forward's groups ({@link FastBatchNormalization#getBlocks()}). */
    private int blocks = 1;
    private double[][] groupInvStd;
    private double[] batchMean;
    private double[] batchVar;
    /** The oneDNN plan of the last training forward ({@link DnnlBn}), or null when the Java kernels ran it. */
    private DnnlBn.Plan statsPlan;
    /**
     * oneDNN's batch mean and variance of that forward ({@code [G, C]}, a row per statistics group), a locked layer's
     * scale and shift, and the groups' gradients before they are summed.
     */
    private INDArray dnnlMean, dnnlVar, lockedScale, lockedShift, groupDGamma, groupDBeta;
    /** The running statistics as FLOAT variances for oneDNN's inference on blocked data. */
    private INDArray runningMean, runningVar;

    public FastBatchNormalizationLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        this.helpers = Backend.helpersEnabled();
        // the kernels read ND4J's host buffers, which hold the data only on the CPU backend
        this.fast = helpers && dataType == DataType.FLOAT && "CPU".equalsIgnoreCase(Backend.backendName());
    }

    /** @return whether this layer runs the fast kernels (false: it is exactly DL4J's layer) */
    public boolean fastPath() {
        return fast;
    }

    @Override
    public String kernels() {
        return fast ? "BnKernels" : getHelper() == null ? null : getHelper().getClass().getSimpleName();
    }

    private boolean fastFor(INDArray x) {
        return fast && x != null && x.dataType() == DataType.FLOAT
                && (x.rank() == 2 || (x.rank() == 4 && layerConf().getCnn2DFormat() == CNN2DFormat.NCHW))
                && x.length() < Integer.MAX_VALUE;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!fastFor(input)) {
            if (blocked()) {
                throw noBlockedPath();
            }
            if (training && layerConf() instanceof FastBatchNormalization f && f.getBlocks() > 1) {
                throw new UnsupportedOperationException("BN layer " + f.getLayerName() + " normalises " + f.getGroups()
                        + " row groups (views) separately, which only its fast kernels do (FLOAT, NCHW or 2-d input, "
                        + "DL4J helpers enabled); this input is " + input.dataType() + " rank " + input.rank()
                        + " with helpers " + (fast ? "on" : "off"));
            }
            statsInput = null;
            return super.activate(training, workspaceMgr);
        }
        if (input.size(1) != layerConf().getNOut()) {
            throw new IllegalArgumentException("input.size(1) does not match expected input size of "
                    + layerConf().getNOut() + " - got input array with shape " + Arrays.toString(input.shape()));
        }
        INDArray x = Buffers.dense(input);
        int n = (int) x.size(0), c = (int) x.size(1), s = (int) (x.length() / ((long) n * c));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, x.shape(), 'c');
        if (training) {
            train(x, out, n, c, s);
        } else if (blocked()) {
            inferBlocked(x, out, n, c, s);
        } else {
            float[] gamma = scale(c), beta = shift(c);
            double[] mean = getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).toDoubleVector();
            double[] var = runningVariance();
            float[] a = new float[c], b = new float[c];
            for (int ch = 0; ch < c; ch++) {
                double r = 1.0 / Math.sqrt(var[ch] + layerConf().getEps());
                a[ch] = (float) (gamma[ch] * r);
                b[ch] = (float) (beta[ch] - mean[ch] * gamma[ch] * r);
            }
            BnKernels.forwardAffine(Buffers.floats(x), Buffers.floats(out), n, c, s, a, b);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!fastFor(input) || epsilon.dataType() != DataType.FLOAT) {
            if (blocked()) {
                throw noBlockedPath();
            }
            return withoutShiftGradient(super.backpropGradient(epsilon, workspaceMgr));
        }
        INDArray x = Buffers.dense(input);
        int n = (int) x.size(0), c = (int) x.size(1), s = (int) (x.length() / ((long) n * c));
        if (statsInput != input) {
            // no fast training forward of this input (e.g. a forward through DL4J's code in between): statistics again
            train(x, x.ulike(), n, c, s);
        }
        INDArray dy = Buffers.dense(epsilon);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
        boolean locked = layerConf().isLockGammaBeta();
        INDArray dGammaView = locked ? null : gradientViews.get(BatchNormalizationParamInitializer.GAMMA);
        INDArray dBetaView = locked ? null : gradientViews.get(BatchNormalizationParamInitializer.BETA);
        if (statsPlan != null) {
            int groups = (int) dnnlMean.size(0);
            if (groups == 1 && !locked) {
                statsPlan.backward(x, dy, scaleArray(c), shiftArray(c), dnnlMean.getRow(0), dnnlVar.getRow(0), dx,
                        dGammaView, dBetaView);
            } else {
                // each group's gradients, summed over the groups (a locked layer's are computed and dropped)
                if (groupDGamma == null || groupDGamma.size(0) != groups || groupDGamma.size(1) != c) {
                    groupDGamma = detached(groups, c);
                    groupDBeta = detached(groups, c);
                }
                for (int grp = 0; grp < groups; grp++) {
                    statsPlan.backward(rows(x, grp, groups), rows(dy, grp, groups), scaleArray(c), shiftArray(c),
                            dnnlMean.getRow(grp), dnnlVar.getRow(grp), rows(dx, grp, groups), groupDGamma.getRow(grp),
                            groupDBeta.getRow(grp));
                }
                if (!locked) {
                    dGammaView.assign(groupDGamma.sum(0).reshape(dGammaView.shape()));
                    dBetaView.assign(groupDBeta.sum(0).reshape(dBetaView.shape()));
                }
            }
        } else {
            float[] dGamma = new float[c], dBeta = new float[c];
            BnKernels.backward(Buffers.floats(x), Buffers.floats(dy), Buffers.floats(dx), n, c, s, groupMean.length,
                    blocks, scale(c), groupMean, groupInvStd, dGamma, dBeta);
            if (!locked) {
                put(dGammaView, dGamma);
                put(dBetaView, dBeta);
            }
        }

        Gradient g = new DefaultGradient();
        if (!locked) {
            g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
            g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        }
        runningStatisticsDelta(g, c);
        return withoutShiftGradient(new Pair<>(g, dx));
    }

    /**
     * The training forward through oneDNN ({@link DnnlBn}) when each statistics group is one contiguous block of rows
     * (one group, BN per view, per simulated device of one view) and the path is on: one call per group on its rows;
     * else through {@link #forwardTrain} (the Java kernels: any groups). Either way the batch statistics for the
     * running averages (the average of the groups', as there) and the backward.
     */
    private void train(INDArray x, INDArray out, int n, int c, int s) {
        int groups = layerConf() instanceof FastBatchNormalization f ? f.getGroups() : 1;
        int rowBlocks = layerConf() instanceof FastBatchNormalization f ? f.getBlocks() : 1;
        // NCHW images stay with the Java kernels: oneDNN 2.5 has only its generic ncsp_bnorm for them, which made the
        // quick suite (small-imagenet, NCHW) 30% slower; blocked images and [N, C] rows get its jit kernels
        boolean dnnl = blocked() || s == 1;
        statsPlan = dnnl && rowBlocks == groups && n % groups == 0 ? DnnlBn.plan(shape(n / groups, c, s)) : null;
        if (statsPlan == null) {
            if (blocked()) {
                throw noBlockedPath();
            }
            forwardTrain(x, out, n, c, s, scale(c), shift(c));
            return;
        }
        if (dnnlMean == null || dnnlMean.size(0) != groups || dnnlMean.size(1) != c) {
            dnnlMean = detached(groups, c);
            dnnlVar = detached(groups, c);
        }
        for (int grp = 0; grp < groups; grp++) {
            statsPlan.forward(rows(x, grp, groups), rows(out, grp, groups), scaleArray(c), shiftArray(c),
                    dnnlMean.getRow(grp), dnnlVar.getRow(grp));
        }
        blocks = groups;
        batchMean = dnnlMean.mean(0).toDoubleVector();
        batchVar = dnnlVar.mean(0).toDoubleVector();
        statsInput = input;
    }

    /** Rows {@code [g n/G, (g+1) n/G)} of {@code a}: a dense view (the rows are the outermost dimension). */
    private static INDArray rows(INDArray a, int g, int groups) {
        if (groups == 1) {
            return a;
        }
        long per = a.size(0) / groups;
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        Arrays.fill(idx, NDArrayIndex.all());
        idx[0] = NDArrayIndex.interval(g * per, (g + 1) * per);
        return a.get(idx);
    }

    /** The oneDNN shape of this layer's data: blocked when {@link #blocked()}, else NCHW or rows. */
    private DnnlBn.Shape shape(int n, int c, int s) {
        float eps = (float) layerConf().getEps();
        return blocked() ? new DnnlBn.Shape(n, c, s, eps, BlockedLayout.tag(BlockedLayout.block(dataType, helpers)))
                : DnnlBn.Shape.plain(n, c, s, eps);
    }

    /** Whether the layer's input and output are {@link BlockedLayout} arrays now. */
    private boolean blocked() {
        return layerConf() instanceof FastBatchNormalization f && BlockedLayout.active(f.isBlocked(), dataType, helpers);
    }

    private IllegalStateException noBlockedPath() {
        return BlockedLayout.unsupported("BN layer " + layerConf().getLayerName(),
                "oneDNN's primitives cannot run it", input);
    }

    /** Inference on blocked data: oneDNN with the running statistics. */
    private void inferBlocked(INDArray x, INDArray out, int n, int c, int s) {
        DnnlBn.Plan plan = DnnlBn.plan(shape(n, c, s));
        if (plan == null) {
            throw noBlockedPath();
        }
        if (runningMean == null || runningMean.length() != c) {
            runningMean = detached(c);
            runningVar = detached(c);
        }
        runningMean.assign(getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(c));
        double[] var = runningVariance();
        for (int ch = 0; ch < c; ch++) {
            runningVar.putScalar(ch, var[ch]);
        }
        plan.inference(x, out, scaleArray(c), shiftArray(c), runningMean, runningVar);
    }

    /** gamma as an array oneDNN reads: the parameter's view, or the locked value. */
    private INDArray scaleArray(int c) {
        if (!layerConf().isLockGammaBeta()) {
            return getParam(BatchNormalizationParamInitializer.GAMMA);
        }
        if (lockedScale == null) {
            lockedScale = detached(c).assign(layerConf().getGamma());
        }
        return lockedScale;
    }

    /** beta as an array oneDNN reads: the parameter's view, or the locked value. */
    private INDArray shiftArray(int c) {
        if (!layerConf().isLockGammaBeta()) {
            return getParam(BatchNormalizationParamInitializer.BETA);
        }
        if (lockedShift == null) {
            lockedShift = detached(c).assign(layerConf().getBeta());
        }
        return lockedShift;
    }

    /** A FLOAT array outside any workspace (kept by the layer across steps). */
    private static INDArray detached(long... shape) {
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(DataType.FLOAT, shape);
        }
    }

    /**
     * The training forward: each of the layer's G row groups ({@link FastBatchNormalization#getGroups()}, contiguous
     * blocks of n/G rows) normalised with its own batch statistics; the running statistics move towards their average
     * (one step with the mean of the groups' means and biased variances, as {@code SplitBatchNormalization} and, by
     * linearity, lightly's {@code SplitBatchNorm}).
     */
    private void forwardTrain(INDArray x, INDArray out, int n, int c, int s, float[] gamma, float[] beta) {
        int groups = layerConf() instanceof FastBatchNormalization f ? f.getGroups() : 1;
        blocks = layerConf() instanceof FastBatchNormalization f ? f.getBlocks() : 1;
        if (n % blocks != 0) {
            throw new IllegalArgumentException("BN layer " + layerConf().getLayerName() + " normalises " + groups
                    + " groups of rows (views or simulated devices) separately, made of " + blocks
                    + " contiguous blocks, but the batch has " + n + " rows, not a multiple of " + blocks);
        }
        groupMean = new double[groups][c];
        groupInvStd = new double[groups][c];
        double[][] var = new double[groups][c];
        BnKernels.forwardTrain(Buffers.floats(x), Buffers.floats(out), n, c, s, groups, blocks, gamma, beta,
                layerConf().getEps(),
                groupMean, var, groupInvStd);
        if (groups == 1) {
            batchMean = groupMean[0];
            batchVar = var[0];
        } else {
            batchMean = new double[c];
            batchVar = new double[c];
            for (int g = 0; g < groups; g++) {
                for (int ch = 0; ch < c; ch++) {
                    batchMean[ch] += groupMean[g][ch] / groups;
                    batchVar[ch] += var[g][ch] / groups;
                }
            }
        }
        statsInput = input;
    }

    /** A BN without shift ({@link FastBatchNormalization#withoutShift()}): beta's gradient is 0, so beta stays 0. */
    private Pair<Gradient, INDArray> withoutShiftGradient(Pair<Gradient, INDArray> out) {
        if (layerConf() instanceof FastBatchNormalization f && !f.isCenter()) {
            gradientViews.get(BatchNormalizationParamInitializer.BETA).assign(0);
            INDArray dBeta = out.getFirst().getGradientFor(BatchNormalizationParamInitializer.BETA);
            if (dBeta != null) {
                dBeta.assign(0);
            }
        }
        return out;
    }

    /** DL4J's delta for the running statistics, written into their gradient slots (see the class comment). */
    private void runningStatisticsDelta(Gradient g, int c) {
        double keep = layerConf().getDecay();
        double[] globalMean = getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).toDoubleVector();
        INDArray dMeanView = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        float[] dMean = new float[c];
        for (int ch = 0; ch < c; ch++) {
            dMean[ch] = (float) ((globalMean[ch] - batchMean[ch]) * (1 - keep));
        }
        put(dMeanView, dMean);
        g.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_MEAN, dMeanView);
        float[] dVar = new float[c];
        if (layerConf().isUseLogStd()) {
            // var_t = (10^log10std)^2, var_t+1 = decay var_t + (1 - decay) batchVar; delta = log10(std_t / std_t+1)
            double[] vari = runningVariance();
            for (int ch = 0; ch < c; ch++) {
                double next = keep * vari[ch] + (1 - keep) * batchVar[ch];
                dVar[ch] = (float) (Math.log(vari[ch] / next) / (2 * Math.log(10.0)));
            }
            INDArray view = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
            put(view, dVar);
            g.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_LOG_STD, view);
        } else {
            double[] globalVar = getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).toDoubleVector();
            for (int ch = 0; ch < c; ch++) {
                dVar[ch] = (float) ((globalVar[ch] - batchVar[ch]) * (1 - keep));
            }
            INDArray view = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
            put(view, dVar);
            g.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_VAR, view);
        }
    }

    private double[] runningVariance() {
        if (layerConf().isUseLogStd()) {
            double[] log10s = getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).toDoubleVector();
            double[] v = new double[log10s.length];
            for (int i = 0; i < v.length; i++) {
                double std = Math.pow(10.0, log10s[i]);
                v[i] = std * std;
            }
            return v;
        }
        return getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).toDoubleVector();
    }

    private float[] scale(int c) {
        return layerConf().isLockGammaBeta() ? filled(c, layerConf().getGamma())
                : getParam(BatchNormalizationParamInitializer.GAMMA).toFloatVector();
    }

    private float[] shift(int c) {
        return layerConf().isLockGammaBeta() ? filled(c, layerConf().getBeta())
                : getParam(BatchNormalizationParamInitializer.BETA).toFloatVector();
    }

    private static float[] filled(int c, double v) {
        float[] a = new float[c];
        Arrays.fill(a, (float) v);
        return a;
    }

    private static void put(INDArray view, float[] values) {
        FloatBuffer b = Buffers.floats(view);
        for (int i = 0; i < values.length; i++) {
            b.put(i, values[i]);
        }
    }

}
