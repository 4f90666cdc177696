package io.sslbench.core.nn.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link ConvolutionLayer} configuration whose layer runs {@link FastConvolutionLayer} (the same oneDNN
 * kernels without DL4J's recomputation of the forward pass inside backprop). Same parameters and results; serialises
 * to JSON like any DL4J layer.
 */
public class FastConvolution extends ConvolutionLayer {
    /** Whether backprop must return the gradient at the layer's input (false only for a network input). */
    private boolean inputGradient = true;
    /** Whether the input (and its gradient) and the output (and its gradient) are in {@link BlockedLayout}. */
    private boolean blockedInput, blockedOutput;

    /** For JSON deserialisation. */
    public FastConvolution() {
        super();
    }

    /** @param builder a configured {@link ConvolutionLayer.Builder} (kernel, stride, padding, nOut, ...) */
    public FastConvolution(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    /** @return whether backprop returns the gradient at the input (see {@link #withoutInputGradient()}) */
    public boolean isInputGradient() {
        return inputGradient;
    }

    /** For JSON; see {@link #withoutInputGradient()}. */
    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    /**
     * Marks a layer that reads a network input (images), whose gradient nothing uses: backprop then computes only the
     * weight gradient and returns {@code null} as the input's gradient (as DL4J's embedding layers do).
     *
     * @return this
     */
    public FastConvolution withoutInputGradient() {
        this.inputGradient = false;
        return this;
    }

    /** @return whether the layer reads a blocked input when {@link BlockedLayout} is active */
    public boolean isBlockedInput() {
        return blockedInput;
    }

    /** For JSON and {@link BlockedLayout#unmark}. */
    public void setBlockedInput(boolean blockedInput) {
        this.blockedInput = blockedInput;
    }

    /** @return whether the layer writes a blocked output when {@link BlockedLayout} is active */
    public boolean isBlockedOutput() {
        return blockedOutput;
    }

    /** For JSON and {@link BlockedLayout#unmark}. */
    public void setBlockedOutput(boolean blockedOutput) {
        this.blockedOutput = blockedOutput;
    }

    /**
     * Marks the layer's input and output as {@link BlockedLayout} arrays (used when the layout is active).
     *
     * @return this
     */
    public FastConvolution blocked(boolean input, boolean output) {
        this.blockedInput = input;
        this.blockedOutput = output;
        return this;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("FastConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new FastConvolutionLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }
}
