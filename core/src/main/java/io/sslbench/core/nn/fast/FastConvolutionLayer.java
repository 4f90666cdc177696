package io.sslbench.core.nn.fast;

import io.sslbench.core.util.Buffers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * DL4J's convolution layer, with a backward pass that does not recompute the forward.
 *
 * <p>DL4J 1.0.0-M2.1's {@code ConvolutionLayer.backpropGradient} always runs {@code preOutput} again (to apply the
 * activation's derivative) before calling the oneDNN helper, i.e. every convolution runs forward twice per step. With
 * the identity activation (every convolution of the ResNets here) the derivative is the identity, so the helper's
 * {@code conv2d_bp} gets the incoming gradient directly: same op, same inputs, same results, one forward fewer.
 * Everything else (other activations, dropout, no helper, DOUBLE, a fallen-back helper) goes through DL4J's code.
 *
 * <p>A layer configured {@link FastConvolution#withoutInputGradient()} (it reads the network's images) computes only
 * its weight gradient (with {@link ConvKernels} for stride 1) and returns no input gradient.
 */
public class FastConvolutionLayer extends ConvolutionLayer {

    private final ConvKernels.Scratch scratch = new ConvKernels.Scratch();

    public FastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** @return whether backprop skips DL4J's recomputed forward (oneDNN helper active, identity activation, FLOAT) */
    public boolean fastBackward() {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        return helper instanceof MKLDNNConvHelper && helperCountFail == 0 && dataType == DataType.FLOAT
                && c.getActivationFn() instanceof ActivationIdentity && c.getIDropout() == null
                && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && c.getConvolutionMode() != ConvolutionMode.Same
                && c.getWeightNoise() == null;
    }

    /** The Java weight-gradient kernel's case: square kernel, stride 1, no dilation, symmetric padding, no bias. */
    private boolean weightGradientOnly(org.deeplearning4j.nn.conf.layers.ConvolutionLayer c) {
        int[] k = c.getKernelSize(), s = c.getStride(), d = c.getDilation(), p = c.getPadding();
        return k[0] == k[1] && s[0] == 1 && s[1] == 1 && d[0] == 1 && d[1] == 1 && p[0] == p[1]
                && !hasBias() && input.rank() == 4 && input.length() < Integer.MAX_VALUE;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!fastBackward() || input == null || input.dataType() != DataType.FLOAT || epsilon.dataType() != DataType.FLOAT) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray bias = hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY) : null;
        INDArray biasGrad = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray delta = Shape.hasDefaultStridesForShape(epsilon) ? epsilon : epsilon.dup('c');
        if (!((FastConvolution) c).isInputGradient() && weightGradientOnly(c)) {
            ConvKernels.weightGradientStride1(Buffers.dense(input), Buffers.dense(delta), weightGrad,
                    c.getKernelSize()[0], c.getPadding()[0], scratch);
            Gradient g = new DefaultGradient();
            g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad);
            weightNoiseParams.clear();
            return new Pair<>(g, null);
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
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        weightNoiseParams.clear();
        return ret;
    }
}
