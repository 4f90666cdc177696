package io.sslbench.core.nn.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link BatchNormalization} configuration whose layer runs {@link FastBatchNormalizationLayer}: same
 * parameters (names, shapes, initialisation, running-statistics convention), same results up to float rounding, so
 * checkpoints and the code that inspects BN layers ({@code instanceof BatchNormalization}) are unaffected.
 * Serialises to JSON like any DL4J layer (no-arg constructor, bean properties).
 */
public class FastBatchNormalization extends BatchNormalization {
    /**
     * Whether beta (the shift) is trained. False: TensorFlow's {@code batch_normalization(center=False)}, a BN with a
     * learnable scale and no shift; beta stays at its initial 0 because the layer gives it a zero gradient (on both
     * the fast and DL4J's path), which no update rule of the engine's optimiser (nor weight decay, nor the EMA of a
     * target) can move away from 0. Serialised with the configuration.
     */
    private boolean center = true;

    /** DL4J's defaults (for JSON deserialisation). */
    public FastBatchNormalization() {
        super();
    }

    /**
     * @param eps   added to the variance
     * @param decay running-statistics decay: {@code running = decay * running + (1 - decay) * batch}
     */
    public FastBatchNormalization(double eps, double decay) {
        super();
        setEps(eps);
        setDecay(decay);
    }

    /**
     * The same layer with the scale and shift fixed ({@code lockGammaBeta}: no trainable parameters).
     *
     * @param gamma fixed scale
     * @param beta  fixed shift
     * @return this
     */
    public FastBatchNormalization locked(double gamma, double beta) {
        setLockGammaBeta(true);
        setGamma(gamma);
        setBeta(beta);
        return this;
    }

    /**
     * The same layer with a trainable scale and no shift (TensorFlow's {@code center=False}): beta is fixed at 0.
     *
     * @return this
     */
    public FastBatchNormalization withoutShift() {
        if (isLockGammaBeta()) {
            throw new IllegalStateException("withoutShift on a locked BN: it has no trainable shift to remove");
        }
        setBeta(0);
        center = false;
        return this;
    }

    /** @return whether beta is trained (false: {@link #withoutShift()}) */
    public boolean isCenter() {
        return center;
    }

    /** For JSON deserialisation. */
    public void setCenter(boolean center) {
        this.center = center;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNOutSet("FastBatchNormalization", getLayerName(), layerIndex, getNOut());
        return LayerWiring.wire(new FastBatchNormalizationLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }
}
