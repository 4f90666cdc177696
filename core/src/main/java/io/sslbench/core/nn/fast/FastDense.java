package io.sslbench.core.nn.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link DenseLayer} configuration (identity activation, as every linear layer of the projection and
 * prediction heads) whose layer, {@link FastDenseLayer}, does not recompute its forward pass in backprop. Same
 * parameters and results; serialises to JSON like any DL4J layer.
 */
public class FastDense extends DenseLayer {

    /** For JSON deserialisation. */
    public FastDense() {
        super();
    }

    /**
     * @param nOut       output width
     * @param hasBias    whether the layer adds a bias
     * @param weightInit weight initialisation
     */
    public FastDense(long nOut, boolean hasBias, IWeightInit weightInit) {
        super();
        setNOut(nOut);
        setHasBias(hasBias);
        setActivationFn(new ActivationIdentity());
        setWeightInitFn(weightInit);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("FastDense", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new FastDenseLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }
}
