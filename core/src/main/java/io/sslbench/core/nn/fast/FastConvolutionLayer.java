package io.sslbench.core.nn.fast;

import io.sslbench.core.runtime.Backend;
import io.sslbench.core.util.Buffers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import static org.bytedeco.dnnl.global.dnnl.dnnl_nchw;

/**
 * DL4J's convolution layer, with a backward pass that does not recompute the forward.
 *
 * <p>DL4J 1.0.0-M2.1's {@code ConvolutionLayer.backpropGradient} always runs {@code preOutput} again (to apply the
 * activation's derivative) before calling the oneDNN helper, i.e. every convolution runs forward twice per step. With
 * the identity activation (every convolution of the ResNets here) the derivative is the identity, so the helper's
 * {@code conv2d_bp} gets the incoming gradient directly: same op, same inputs, same results, one forward fewer.
 * Everything else (other activations, dropout, no helper, DOUBLE, a fallen-back helper) goes through DL4J's code.
 *
 * <p>On that fast path, the forward and both gradients of a bias-free convolution run through oneDNN's primitives
 * called directly ({@link DnnlConv}: up to 4.9x faster than libnd4j's calls on the CIFAR ResNets' shapes); with
 * {@code -Dsslbench.conv=onednn}, or where the preset does not load, through the helper as above. With
 * {@code -Dsslbench.conv=java} ({@link ConvKernels#setPolicy}), a convolution the
 * BLAS kernels of {@link ConvKernels} handle computes both gradients with them instead of oneDNN's {@code conv2d_bp}
 * (off by default: measured slower, see package-info). A layer
 * configured {@link FastConvolution#withoutInputGradient()} (it reads the network's images) computes only its weight
 * gradient (with {@link ConvKernels}) and returns no input gradient. {@link #backwardPath()} tells which code the
 * next backward pass runs.
 */
public class FastConvolutionLayer extends ConvolutionLayer {

    /** Whether DL4J's helpers were enabled when the layer was created (as for every layer of its network). */
    private final boolean helpers;

    public FastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        this.helpers = Backend.helpersEnabled();
    }

    /** @return whether backprop skips DL4J's recomputed forward (oneDNN helper active, identity activation, FLOAT) */
    public boolean fastBackward() {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        return helper instanceof MKLDNNConvHelper && helperCountFail == 0 && dataType == DataType.FLOAT
                && c.getActivationFn() instanceof ActivationIdentity && c.getIDropout() == null
                && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && c.getConvolutionMode() != ConvolutionMode.Same
                && c.getWeightNoise() == null;
    }

    /** Which code a backward pass runs. */
    public enum Backward {
        /** DL4J's own {@code backpropGradient} (recomputes the forward; DOUBLE, no helper, other activations...). */
        DL4J,
        /** oneDNN's {@code conv2d_bp} through the helper, on the incoming gradient. */
        ONEDNN,
        /** oneDNN's primitives called directly ({@link DnnlConv}), in the layout oneDNN picks for the shape. */
        DNNL,
        /** {@link ConvKernels}: weight and input gradient as BLAS products. */
        JAVA,
        /** {@link ConvKernels}: the weight gradient only, no input gradient (a layer reading the images). */
        JAVA_WEIGHTS_ONLY
    }

    private Backward lastBackward;

    /**
     * The Java kernels' case: square kernel, equal strides, no dilation, symmetric padding {@code <= k - 1}, 4d input
     * at least as large as the kernel once padded, sizes within the kernels' int indexing.
     */
    private boolean javaKernel(org.deeplearning4j.nn.conf.layers.ConvolutionLayer c) {
        int[] k = c.getKernelSize(), s = c.getStride(), d = c.getDilation(), p = c.getPadding();
        return k[0] == k[1] && s[0] == s[1] && d[0] == 1 && d[1] == 1 && p[0] == p[1] && p[0] <= k[0] - 1
                && input != null && input.rank() == 4 && input.size(2) + 2L * p[0] >= k[0]
                && input.size(3) + 2L * p[0] >= k[0] && ConvKernels.fits(input.size(0), input.size(1), c.getNOut(),
                input.size(2), input.size(3), k[0], s[0], p[0]);
    }

    /**
     * @return the {@link DnnlConv} plan for the current input, or null when this layer's convolution does not go
     *         there: the fast path's conditions ({@link #fastBackward()}), no bias, no dilation, Truncate mode, a 4d
     *         FLOAT input with the configured channels, the preset loaded and the shape accepted
     */
    DnnlConv.Plan directPlan() {
        if (!ConvKernels.direct() || !DnnlConv.available() || !fastBackward() || hasBias() || input == null || input.rank() != 4
                || input.dataType() != DataType.FLOAT) {
            return null;
        }
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        int[] k = c.getKernelSize(), s = c.getStride(), d = c.getDilation(), p = c.getPadding();
        if (d[0] != 1 || d[1] != 1 || c.getConvolutionMode() != ConvolutionMode.Truncate || input.size(1) != c.getNIn()
                || input.size(2) + 2L * p[0] < k[0] || input.size(3) + 2L * p[1] < k[1]) {
            return null;
        }
        FastConvolution f = (FastConvolution) c;
        int b = BlockedLayout.block(dataType, helpers);
        int srcTag = b > 0 && f.isBlockedInput() ? BlockedLayout.tag(b) : dnnl_nchw;
        int dstTag = b > 0 && f.isBlockedOutput() ? BlockedLayout.tag(b) : dnnl_nchw;
        return DnnlConv.plan(new DnnlConv.Shape(input.size(0), input.size(1), input.size(2), input.size(3), c.getNOut(),
                k[0], k[1], s[0], s[1], p[0], p[1], f.isInputGradient(), srcTag, dstTag));
    }

    /** Whether this layer's input or output is a {@link BlockedLayout} array now (only {@link DnnlConv} reads those). */
    private boolean blocked() {
        FastConvolution f = (FastConvolution) layerConf();
        return BlockedLayout.active(f.isBlockedInput() || f.isBlockedOutput(), dataType, helpers);
    }

    private IllegalStateException noBlockedPath() {
        return BlockedLayout.unsupported("convolution " + layerConf().getLayerName(),
                "oneDNN's primitives cannot run it", input);
    }

    /** @return whether the forward pass runs through {@link DnnlConv} for the current input */
    public boolean directForward() {
        return directPlan() != null;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        DnnlConv.Plan plan = directPlan();
        if (plan == null) {
            if (blocked()) {
                throw noBlockedPath();
            }
            return super.preOutput(training, forBackprop, workspaceMgr);
        }
        DnnlConv.Shape s = plan.shape;
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{s.n(), s.co(), s.ho(), s.wo()}, 'c');
        plan.forward(Buffers.dense(input), Buffers.dense(getParam(ConvolutionParamInitializer.WEIGHT_KEY)), y);
        return new Pair<>(y, null); // no im2col matrix to reuse, as from DL4J's helper path
    }

    /**
     * @return the code the next {@code backpropGradient} runs for the current input (an epsilon of another data
     *         type than FLOAT also sends {@link Backward#ONEDNN}/{@code DNNL}/{@code JAVA} cases to DL4J)
     */
    public Backward backwardPath() {
        if (!fastBackward() || input == null || input.dataType() != DataType.FLOAT) {
            return Backward.DL4J;
        }
        if (directPlan() != null) {
            return Backward.DNNL;
        }
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        if (!javaKernel(c)) {
            return Backward.ONEDNN;
        }
        if (!((FastConvolution) c).isInputGradient()) {
            return hasBias() ? Backward.ONEDNN : Backward.JAVA_WEIGHTS_ONLY;
        }
        return ConvKernels.fullBackward() ? Backward.JAVA : Backward.ONEDNN;
    }

    /** @return the code the last {@code backpropGradient} ran, or null before the first */
    public Backward lastBackward() {
        return lastBackward;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Backward path = epsilon.dataType() == DataType.FLOAT ? backwardPath() : Backward.DL4J;
        if (path != Backward.DNNL && blocked()) {
            throw noBlockedPath();
        }
        lastBackward = path;
        if (path == Backward.DL4J) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray bias = hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY) : null;
        INDArray biasGrad = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray delta = Shape.hasDefaultStridesForShape(epsilon) ? epsilon : epsilon.dup('c');
        if (path == Backward.DNNL) {
            INDArray dx = ((FastConvolution) c).isInputGradient()
                    ? workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c')
                    : null;
            directPlan().backward(Buffers.dense(input), Buffers.dense(weights), Buffers.dense(delta), weightGrad, dx);
            Gradient g = new DefaultGradient();
            g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad);
            weightNoiseParams.clear();
            return new Pair<>(g, dx);
        }
        if (path == Backward.JAVA_WEIGHTS_ONLY || path == Backward.JAVA) {
            int k = c.getKernelSize()[0], s = c.getStride()[0], p = c.getPadding()[0];
            INDArray x = Buffers.dense(input), dy = Buffers.dense(delta);
            ConvKernels.weightGradientStrided(x, dy, weightGrad, k, s, p);
            Gradient g = new DefaultGradient();
            INDArray dx = null;
            if (path == Backward.JAVA) {
                if (hasBias()) {
                    biasGrad.assign(dy.sum(0, 2, 3).reshape(biasGrad.shape()));
                    g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
                }
                dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
                if (s == 1) {
                    ConvKernels.inputGradientStride1(dy, Buffers.dense(weights), dx, k, p);
                } else {
                    ConvKernels.inputGradientStrided(dy, Buffers.dense(weights), dx, k, s, p);
                }
            }
            g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad);
            weightNoiseParams.clear();
            return new Pair<>(g, dx);
        }
        Pair<Gradient, INDArray> ret;
        try {
            ret = helper.backpropGradient(input, weights, bias, delta, c.getKernelSize(), c.getStride(),
                    c.getPadding(), biasGrad, weightGrad, c.getActivationFn(), c.getCudnnAlgoMode(),
                    c.getCudnnBwdFilterAlgo(), c.getCudnnBwdDataAlgo(), convolutionMode, c.getDilation(),
                    c.getCnn2dDataFormat(), workspaceMgr);
        } catch (RuntimeException e) {
            ret = null; // DL4J's path below retries the helper and owns the fallback policy and its logging
        }
        if (ret == null) {
            lastBackward = Backward.DL4J;
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        weightNoiseParams.clear();
        return ret;
    }
}
