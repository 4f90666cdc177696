package io.sslbench.core.nn.bn;

import io.sslbench.core.nn.fast.LayerWiring;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of a batch-normalisation layer with per-group ("split", "ghost") statistics and
 * optional synchronisation over a {@link Collective} (SyncBN). See the package documentation for
 * the formulas; the layer itself is {@link SplitBatchNormalizationLayer}.
 *
 * <p>Inputs: {@code [N, C]} (feed-forward) or {@code [N, C, H, W]} (NCHW convolutional). In
 * training the minibatch is cut into {@code groups} contiguous groups of {@code N / groups} rows
 * and each group is normalised with its own per-channel mean and biased variance (over the
 * group's rows and, for NCHW, all spatial positions). In inference the running estimates are used.
 *
 * <p>Fields (all validated; defaults are PyTorch's {@code nn.BatchNorm2d}):
 * <ul>
 *   <li>{@code groups} G {@code >= 1} (default 1): number of groups per worker;</li>
 *   <li>{@code eps} {@code > 0} (default 1e-5): added to the variance;</li>
 *   <li>{@code momentum} in {@code (0, 1]} (default 0.1): PyTorch convention,
 *       {@code running = (1 - momentum) * running + momentum * batch};</li>
 *   <li>{@code gammaInit}, {@code betaInit} (defaults 1, 0): initial scale and shift (0 for
 *       "zero-init residual" BN).</li>
 * </ul>
 * The configuration serialises to JSON with the rest of the network (bean properties, no-arg
 * constructor); the collective is runtime state of the layer instance and is not serialised.
 */
public class SplitBatchNormalization extends FeedForwardLayer {
    private int groups = 1;
    private double eps = 1e-5;
    private double momentum = 0.1;
    private double gammaInit = 1.0;
    private double betaInit = 0.0;

    /** For JSON deserialisation; use {@link Builder}. */
    public SplitBatchNormalization() {
        super();
    }

    private SplitBatchNormalization(Builder b) {
        super(b);
        this.groups = b.groups;
        this.eps = b.eps;
        this.momentum = b.momentum;
        this.gammaInit = b.gammaInit;
        this.betaInit = b.betaInit;
        this.activationFn = Activation.IDENTITY.getActivationFunction();
        validate();
        initializeConstraints(b);
    }

    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the layer, the field and its allowed range
     */
    public void validate() {
        String who = "SplitBatchNormalization '" + (getLayerName() == null ? "" : getLayerName()) + "': ";
        if (groups < 1) {
            throw new IllegalArgumentException(who + "groups must be >= 1, got " + groups);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(who + "eps must be finite and > 0, got " + eps);
        }
        if (!(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException(who + "momentum must be in (0, 1], got " + momentum);
        }
        if (!Double.isFinite(gammaInit) || !Double.isFinite(betaInit)) {
            throw new IllegalArgumentException(who + "gammaInit and betaInit must be finite, got "
                    + gammaInit + ", " + betaInit);
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf,
                                                        Collection<TrainingListener> listeners,
                                                        int layerIndex, INDArray layerParamsView,
                                                        boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNOutSet("SplitBatchNormalization", getLayerName(), layerIndex, getNOut());
        validate();
        return LayerWiring.wire(new SplitBatchNormalizationLayer(conf, networkDataType), conf, listeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return SplitBatchNormalizationParamInitializer.getInstance();
    }

    /** @return the input type unchanged (feed-forward or NCHW convolutional) */
    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType == null) {
            throw new IllegalStateException("SplitBatchNormalization '" + getLayerName() + "' (index " + layerIndex
                    + "): no input type");
        }
        return switch (inputType.getType()) {
            case FF, CNN, CNNFlat -> {
                checkFormat(inputType);
                yield inputType;
            }
            default -> throw new IllegalStateException("SplitBatchNormalization '" + getLayerName() + "' (index "
                    + layerIndex + "): input type " + inputType + " not supported (feed-forward or NCHW CNN only)");
        };
    }

    /** Sets {@code nIn = nOut = C} from a feed-forward size or the NCHW channel count. */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (nIn > 0 && !override) {
            return;
        }
        checkFormat(inputType);
        nIn = switch (inputType.getType()) {
            case FF -> ((InputType.InputTypeFeedForward) inputType).getSize();
            case CNN -> ((InputType.InputTypeConvolutional) inputType).getChannels();
            case CNNFlat -> ((InputType.InputTypeConvolutionalFlat) inputType).getDepth();
            default -> throw new IllegalStateException("SplitBatchNormalization '" + getLayerName()
                    + "': input type " + inputType + " not supported (feed-forward or NCHW CNN only)");
        };
        nOut = nIn;
    }

    private void checkFormat(InputType t) {
        if (t instanceof InputType.InputTypeConvolutional c && c.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalStateException("SplitBatchNormalization '" + getLayerName()
                    + "': only NCHW activations are supported, got " + c.getFormat());
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        if (inputType.getType() == InputType.Type.CNNFlat) {
            InputType.InputTypeConvolutionalFlat f = (InputType.InputTypeConvolutionalFlat) inputType;
            return new FeedForwardToCnnPreProcessor(f.getHeight(), f.getWidth(), f.getDepth());
        }
        return null;
    }

    /**
     * @return the layer's weight regularisation for gamma, its bias regularisation for beta (as
     *         PyTorch's {@code weight_decay} reaches BN affine parameters), none for running stats
     */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        if (SplitBatchNormalizationParamInitializer.isRunningStat(paramName)) {
            return List.of();
        }
        return super.getRegularizationByParam(paramName);
    }

    /** @return {@code NoOp} for the running statistics, the configured updater otherwise */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        if (SplitBatchNormalizationParamInitializer.isRunningStat(paramName)) {
            return new NoOp();
        }
        if (!SplitBatchNormalizationParamInitializer.GAMMA.equals(paramName)
                && !SplitBatchNormalizationParamInitializer.BETA.equals(paramName)) {
            throw new IllegalArgumentException("SplitBatchNormalization '" + getLayerName() + "': unknown parameter "
                    + paramName);
        }
        return super.getUpdaterByParam(paramName);
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        long updaterState = 0;
        for (String k : initializer().paramKeys(this)) {
            updaterState += getUpdaterByParam(k).stateSize(getNOut());
        }
        long perEx = inputType.arrayElementsPerExample();
        return new LayerMemoryReport.Builder(getLayerName(), SplitBatchNormalization.class, inputType, out)
                .standardMemory(numParams, updaterState)
                .workingMemory(0, 0, perEx, 2 * perEx)
                .cacheMemory(0, 0)
                .build();
    }

    public int getGroups() {
        return groups;
    }

    public void setGroups(int groups) {
        this.groups = groups;
    }

    public double getEps() {
        return eps;
    }

    public void setEps(double eps) {
        this.eps = eps;
    }

    public double getMomentum() {
        return momentum;
    }

    public void setMomentum(double momentum) {
        this.momentum = momentum;
    }

    public double getGammaInit() {
        return gammaInit;
    }

    public void setGammaInit(double gammaInit) {
        this.gammaInit = gammaInit;
    }

    public double getBetaInit() {
        return betaInit;
    }

    public void setBetaInit(double betaInit) {
        this.betaInit = betaInit;
    }

    @Override
    public SplitBatchNormalization clone() {
        return (SplitBatchNormalization) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SplitBatchNormalization s) || !s.canEqual(this) || !super.equals(o)) {
            return false;
        }
        return groups == s.groups && Double.compare(eps, s.eps) == 0 && Double.compare(momentum, s.momentum) == 0
                && Double.compare(gammaInit, s.gammaInit) == 0 && Double.compare(betaInit, s.betaInit) == 0;
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof SplitBatchNormalization;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), groups, eps, momentum, gammaInit, betaInit);
    }

    @Override
    public String toString() {
        return "SplitBatchNormalization(name=" + getLayerName() + ", nOut=" + getNOut() + ", groups=" + groups
                + ", eps=" + eps + ", momentum=" + momentum + ", gammaInit=" + gammaInit + ", betaInit=" + betaInit + ")";
    }

    /** Builder; {@code nOut} is inferred from the input type when not given. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int groups = 1;
        private double eps = 1e-5;
        private double momentum = 0.1;
        private double gammaInit = 1.0;
        private double betaInit = 0.0;

        /** @param groups contiguous groups per worker, {@code >= 1} */
        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        /** @param eps added to the variance, {@code > 0} */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** @param momentum PyTorch-style running-average weight of the new batch, in {@code (0, 1]} */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /** @param gammaInit initial scale */
        public Builder gammaInit(double gammaInit) {
            this.gammaInit = gammaInit;
            return this;
        }

        /** @param betaInit initial shift */
        public Builder betaInit(double betaInit) {
            this.betaInit = betaInit;
            return this;
        }

        /** @param channels C; sets nIn and nOut */
        public Builder channels(long channels) {
            this.nIn = channels;
            this.nOut = channels;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public SplitBatchNormalization build() {
            return new SplitBatchNormalization(this);
        }
    }
}
