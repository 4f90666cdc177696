package io.sslbench.core.nn.fast;

import io.sslbench.core.runtime.Backend;
import io.sslbench.core.util.Buffers;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.pooling.GlobalPoolingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * DL4J's global pooling layer; on a {@link BlockedLayout} input (a marked backbone's last activations), global average
 * pooling to plain {@code [N, C]} rows computed over the blocked bytes: {@code y[n, c] = mean over (h, w) of
 * x[n, c, h, w]}, backward {@code dx[n, c, h, w] = dy[n, c] / (H W)}. Everything else is DL4J's layer.
 */
public class FastGlobalPoolingLayer extends GlobalPoolingLayer {

    /** Whether DL4J's helpers were enabled when the layer was created (as for every layer of its network). */
    private final boolean helpers;

    public FastGlobalPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        this.helpers = Backend.helpersEnabled();
    }

    /** The block size of the current input's layout, or 0 for DL4J's code. */
    private int block() {
        FastGlobalPooling c = (FastGlobalPooling) layerConf();
        if (!BlockedLayout.active(c.isBlocked(), dataType, helpers)) {
            return 0;
        }
        if (c.getPoolingType() != PoolingType.AVG || !c.isCollapseDimensions() || input.rank() != 4
                || maskArray != null || input.dataType() != DataType.FLOAT) {
            throw BlockedLayout.unsupported("pooling layer " + c.getLayerName(), "it pools those only as a "
                    + "collapsed global average of a 4-d FLOAT input without mask", input);
        }
        return BlockedLayout.block(dataType, helpers);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        int b = block();
        if (b == 0) {
            return super.activate(training, workspaceMgr);
        }
        int n = (int) input.size(0), c = (int) input.size(1), s = (int) (input.size(2) * input.size(3));
        FloatBuffer x = Buffers.floats(Buffers.dense(input));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[]{n, c}, 'c');
        FloatBuffer y = Buffers.floats(out);
        float[] plane = new float[s * b];
        float[] sum = new float[b];
        for (int i = 0; i < n; i++) {
            for (int cb = 0; cb < c / b; cb++) {
                x.get((i * (c / b) + cb) * s * b, plane, 0, s * b);
                Arrays.fill(sum, 0);
                for (int j = 0; j < s; j++) {
                    for (int k = 0; k < b; k++) {
                        sum[k] += plane[j * b + k];
                    }
                }
                for (int k = 0; k < b; k++) {
                    y.put(i * c + cb * b + k, sum[k] / s);
                }
            }
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        int b = block();
        if (b == 0) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        int n = (int) input.size(0), c = (int) input.size(1), s = (int) (input.size(2) * input.size(3));
        FloatBuffer dy = Buffers.floats(Buffers.dense(epsilon.castTo(DataType.FLOAT)));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        FloatBuffer out = Buffers.floats(dx);
        float[] plane = new float[s * b];
        float[] g = new float[b];
        for (int i = 0; i < n; i++) {
            for (int cb = 0; cb < c / b; cb++) {
                for (int k = 0; k < b; k++) {
                    g[k] = dy.get(i * c + cb * b + k) / s;
                }
                for (int j = 0; j < s; j++) {
                    System.arraycopy(g, 0, plane, j * b, b);
                }
                out.put((i * (c / b) + cb) * s * b, plane, 0, s * b);
            }
        }
        return new Pair<>(new DefaultGradient(), dx);
    }
}
