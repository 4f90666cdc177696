package io.sslbench.core.nn.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.sslbench.core.util.Gemm;

/**
 * DL4J's dense layer with a backward pass that does not recompute the forward: DL4J 1.0.0-M2.1's
 * {@code BaseLayer.backpropGradient} runs the layer's matrix product again to apply the activation's derivative. With
 * the identity activation (no dropout, weight noise, layer norm or mask) the derivative is the identity, and the
 * gradients are DL4J's own products: {@code dW = x^T dy}, {@code db = sum_rows dy}, {@code dx = dy W^T}. Any other
 * configuration, and DOUBLE, go through DL4J's code. The products (forward and backward) go through {@link Gemm}
 * (oneDNN's sgemm: 1.8-11x faster than ND4J's on the projection heads' shapes).
 */
public class FastDenseLayer extends DenseLayer {

    public FastDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean plain() {
        org.deeplearning4j.nn.conf.layers.DenseLayer c = layerConf();
        return c.getActivationFn() instanceof ActivationIdentity && c.getIDropout() == null && c.getWeightNoise() == null
                && !c.hasLayerNorm() && maskArray == null && dataType == DataType.FLOAT;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        if (!plain() || input == null || input.rank() != 2 || input.dataType() != DataType.FLOAT
                || input.size(1) != w.size(0)) {
            return super.activate(training, workspaceMgr); // DL4J's checks and messages, its other configurations
        }
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{input.size(0), w.size(1)}, 'c');
        Gemm.gemm(input, w, z, false, false, 1.0, 0.0);
        if (hasBias()) {
            z.addiRowVector(getParam(DefaultParamInitializer.BIAS_KEY));
        }
        return z; // identity activation
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!plain() || input.dataType() != DataType.FLOAT || epsilon.dataType() != DataType.FLOAT) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        Gradient ret = new DefaultGradient();
        if (hasBias()) {
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            epsilon.sum(biasGrad, 0);
            ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray next = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[]{epsilon.size(0), w.size(0)}, 'c');
        Gemm.gemm(epsilon, w, next, false, true, 1.0, 0.0);
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Gemm.gemm(input, epsilon, weightGrad, true, false, 1.0, 0.0);
        ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        return new Pair<>(ret, next);
    }
}
