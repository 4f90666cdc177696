package io.sslbench.core.nn.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * ReLU with one native op each way, written straight into the workspace arrays: {@code y = max(x, 0)} and
 * {@code dx = dy * [x > 0]}. DL4J's {@code ActivationLayer} computes the same with the same ops but first copies its
 * input in the forward pass, and copies the input again and relocates the result in the backward pass (three extra
 * passes over the activations per ReLU and step). The input is left untouched in both modes.
 */
public class FastReluLayer extends ActivationLayer {

    public FastReluLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean plainRelu() {
        return layerConf().getActivationFn() instanceof ActivationReLU r
                && r.getMax() == null && r.getThreshold() == null && r.getNegativeSlope() == null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!plainRelu()) {
            return super.activate(training, workspaceMgr);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), 'c');
        Nd4j.exec(new RectifiedLinear(input, out, 0.0));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!plainRelu()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        if (input.dataType() == DataType.FLOAT && epsilon.dataType() == DataType.FLOAT && input.length() < Integer.MAX_VALUE
                && Buffers.denseRowMajor(input) && Buffers.denseRowMajor(epsilon)) {
            // DL4J's relu_bp runs a per-element std::function (measured 1.4 ns per value on 2 cores); this is a plain loop
            backward(Buffers.floats(input), Buffers.floats(epsilon), Buffers.floats(dx), (int) input.length());
        } else {
            Nd4j.exec(new RectifiedLinearDerivative(input, epsilon, dx));
        }
        return new Pair<>(new DefaultGradient(), dx);
    }

    private static final int CHUNK = 1 << 13;

    /**
     * {@code dx = x > 0 ? dy : 0}, branch-free (the sign of a ReLU input is a coin flip, so a branch mispredicts half
     * the time): the mask is all ones exactly when the bits of {@code x}, read as an int, are positive, i.e. for
     * {@code x > 0} (not for +0, -0 or negative values). One contiguous range per available core, copied through small
     * heap arrays.
     */
    static void backward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, int length) {
        int parts = length < (1 << 16) ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
        IntStream range = IntStream.range(0, parts);
        (parts > 1 ? range.parallel() : range).forEach(part -> {
            int from = (int) ((long) length * part / parts), to = (int) ((long) length * (part + 1) / parts);
            float[] xv = new float[CHUNK], g = new float[CHUNK];
            for (int off = from; off < to; off += CHUNK) {
                int len = Math.min(CHUNK, to - off);
                x.get(off, xv, 0, len);
                dy.get(off, g, 0, len);
                for (int j = 0; j < len; j++) {
                    int b = Float.floatToRawIntBits(xv[j]);
                    int mask = ((-b) & ~b) >> 31;
                    g[j] = Float.intBitsToFloat(Float.floatToRawIntBits(g[j]) & mask);
                }
                dx.put(off, g, 0, len);
            }
        });
    }
}
