package io.sslbench.core.nn.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link GlobalPoolingLayer} configuration whose layer ({@link FastGlobalPoolingLayer}) also reads a
 * {@link BlockedLayout} input: global average pooling of {@code [N, C, H, W]} to {@code [N, C]} features, the end of a
 * marked backbone. Serialises to JSON like any DL4J layer.
 */
public class FastGlobalPooling extends GlobalPoolingLayer {
    /** Whether the input (and its gradient) is in {@link BlockedLayout} when the layout is active. */
    private boolean blocked;

    /** For JSON deserialisation. */
    public FastGlobalPooling() {
        super();
    }

    /** Average pooling over the spatial dimensions, collapsed to {@code [N, C]}. */
    public static FastGlobalPooling average() {
        FastGlobalPooling p = new FastGlobalPooling();
        p.setPoolingType(PoolingType.AVG);
        p.setCollapseDimensions(true);
        return p;
    }

    /** @return whether the layer reads a blocked input when {@link BlockedLayout} is active */
    public boolean isBlocked() {
        return blocked;
    }

    /** For JSON and {@link BlockedLayout#unmark}. */
    public void setBlocked(boolean blocked) {
        this.blocked = blocked;
    }

    /**
     * Marks the layer as reading {@link BlockedLayout} arrays (used when the layout is active).
     *
     * @return this
     */
    public FastGlobalPooling blocked() {
        this.blocked = true;
        return this;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wire(new FastGlobalPoolingLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }
}
