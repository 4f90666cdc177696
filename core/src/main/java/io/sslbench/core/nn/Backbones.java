package io.sslbench.core.nn;

import io.sslbench.core.nn.fast.BlockedLayout;
import io.sslbench.core.nn.fast.FastBatchNormalization;
import io.sslbench.core.nn.fast.FastConvolution;
import io.sslbench.core.nn.fast.FastGlobalPooling;
import io.sslbench.core.nn.fast.FastRelu;
import io.sslbench.core.runtime.Backend;
import io.sslbench.core.util.Randoms;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * ResNet encoders (torchvision layout) for DL4J {@link ComputationGraph}s.
 *
 * <p>Vertex names, all prefixed by the caller's {@code prefix}:
 * <pre>
 *   stem_conv, stem_bn, stem_relu [, stem_pool]              (stem_pool only for the ImageNet stem)
 *   layer{s}_{b}_conv1, _bn1, _relu1, _conv2, _bn2,           (s = 1..stages, b = 0..blocks-1)
 *          [_relu2, _conv3, _bn3]                             (Bottleneck only)
 *          [_down_conv, _down_bn]                             (projection shortcut, when the shape changes)
 *          _add, _relu                                        (residual sum, block output)
 *   features                                                  (global AVERAGE pooling, [N, featureDim])
 * </pre>
 * Layer choices, following torchvision {@code resnet.py}: convolutions without bias, padding {@code k/2}
 * (floor((H + 2p - k)/s) + 1 output size, as PyTorch); BatchNorm with eps 1e-5 and decay 0.9 (PyTorch momentum
 * 0.1), gamma 1, beta 0, except that the last BN of a block ({@code _bn2} of a basic block, {@code _bn3} of a bottleneck)
 * starts at gamma 0 where {@link ZeroInitResidual} says so; projection shortcut = 1x1 conv (with the block's stride) + BN when the stride or the
 * channel count changes; residual add with an {@link ElementWiseVertex} then ReLU; Bottleneck v1.5 (the stride sits on
 * the 3x3 conv). Weights: Kaiming normal with fan_out, {@code N(0, 2 / (nOut * k * k))}, exactly torchvision's
 * {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")} (DL4J's own {@code WeightInit.RELU} uses fan_in, and
 * its fan_out divides by the stride, so the standard deviation is given explicitly per layer).
 */
public final class Backbones {
    /** BatchNorm epsilon (PyTorch default). */
    public static final double BN_EPS = 1e-5;
    /** BatchNorm running-statistics decay: {@code running = decay * running + (1 - decay) * batch}; PyTorch momentum 0.1. */
    public static final double BN_DECAY = 0.9;
    /** Name of the input vertex of {@link #encoderGraph}. */
    public static final String INPUT = "in";
    /** Suffix of the pooled-feature vertex. */
    public static final String FEATURES = "features";

    private static final Set<String> BN_STATISTICS = Set.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
            BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

    private Backbones() {}

    /**
     * Appends a ResNet encoder to {@code g}, reading images from vertex {@code input}.
     *
     * <p>The graph's input types must be set ({@code g.setInputTypes(InputType.convolutional(H, W, C))}) so that
     * DL4J infers every {@code nIn}; only {@code nOut} is given here. Shapes (NCHW): input {@code [N, C, H, W]} with
     * {@code C = spec.inputChannels()}; output {@code [N, spec.featureDim()]}, spatial size divided by
     * {@code spec.totalStride()} (rounded up) before pooling.
     *
     * @param g      graph under construction
     * @param input  name of an existing vertex producing {@code [N, C, H, W]}
     * @param spec   which encoder
     * @param prefix prepended to every vertex name (e.g. {@code "online_"}; may be empty)
     * @return the features vertex name ({@code prefix + "features"}) and its dimension
     */
    public static Encoder addEncoder(GraphBuilder g, String input, BackboneSpec spec, String prefix) {
        return addEncoder(g, input, spec, prefix, ZeroInitResidual.NONE);
    }

    /**
     * As {@link #addEncoder(GraphBuilder, String, BackboneSpec, String)}, with the last BN of the blocks that
     * {@code zeroInit} selects starting at gamma 0 (beta 0).
     */
    public static Encoder addEncoder(GraphBuilder g, String input, BackboneSpec spec, String prefix,
                                     ZeroInitResidual zeroInit) {
        Objects.requireNonNull(zeroInit, "zeroInitResidual");
        Objects.requireNonNull(g, "graph builder");
        Objects.requireNonNull(input, "input vertex");
        Objects.requireNonNull(spec, "backbone spec");
        Objects.requireNonNull(prefix, "prefix");
        String x;
        int channels = spec.stemWidth();
        // the images need no gradient: the stem computes only its weight gradient (FastConvolution.withoutInputGradient)
        boolean imagesIn = g.getNetworkInputs().contains(input);
        Layout layout = new Layout(blockable(spec));
        if (spec.stem() == BackboneSpec.Stem.CIFAR) {
            x = conv(g, prefix + "stem_conv", input, channels, 3, 1, imagesIn, layout.stem());
            x = bn(g, prefix + "stem_bn", x, 1, layout);
            x = relu(g, prefix + "stem_relu", x);
        } else {
            x = conv(g, prefix + "stem_conv", input, channels, 7, 2, imagesIn, layout.stem());
            x = bn(g, prefix + "stem_bn", x, 1, layout);
            x = relu(g, prefix + "stem_relu", x);
            x = maxPool(g, prefix + "stem_pool", x);
        }
        BackboneSpec.Depth depth = spec.depth();
        for (int s = 0; s < depth.numStages(); s++) {
            for (int b = 0; b < depth.blocks(s); b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                String name = prefix + "layer" + (s + 1) + "_" + b + "_";
                double lastGamma = zeroInit.zeroes(depth.block()) ? 0 : 1;
                x = depth.block() == BackboneSpec.Block.BASIC
                        ? basicBlock(g, name, x, channels, spec.stageWidth(s), stride, lastGamma, layout)
                        : bottleneck(g, name, x, channels, spec.stageWidth(s), stride, lastGamma, layout);
                channels = spec.stageOutput(s);
            }
        }
        String features = prefix + FEATURES;
        FastGlobalPooling pool = FastGlobalPooling.average();
        g.addLayer(features, layout.on() ? pool.blocked() : pool, x);
        return new Encoder(features, spec.featureDim());
    }

    /**
     * A standalone encoder for feature extraction: input {@value #INPUT} of shape
     * {@code [N, spec.inputChannels(), imageSize, imageSize]} (FLOAT), output {@value #FEATURES} of shape
     * {@code [N, spec.featureDim()]}; {@code output(x)} returns the pooled features. Calls {@link Backend#init()}
     * first so that the oneDNN helpers engage. The updater is DL4J's default: build your own graph with
     * {@link #addEncoder} to train.
     *
     * @param spec      which encoder
     * @param seed      seed of the weight initialisation
     * @param imageSize input height = width, at least 1
     * @return an initialised graph
     */
    public static ComputationGraph encoderGraph(BackboneSpec spec, long seed, int imageSize) {
        Objects.requireNonNull(spec, "backbone spec");
        if (imageSize < 1) {
            throw new IllegalArgumentException("imageSize must be positive, got " + imageSize);
        }
        Backend.init();
        GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(Randoms.nd4jSeed(seed))
                .dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(imageSize, imageSize, spec.inputChannels()));
        Encoder enc = addEncoder(g, INPUT, spec, "");
        g.setOutputs(enc.output());
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /**
     * Number of parameters trained by gradient descent: every parameter except BatchNorm running
     * mean/variance (or log-std) and except layers wrapped in {@code FrozenLayer}/{@code FrozenLayerWithBackprop}.
     * Comparable to PyTorch's {@code sum(p.numel() for p in m.parameters() if p.requires_grad)}.
     *
     * @param g an initialised graph
     * @return the count
     */
    public static long numTrainableParams(ComputationGraph g) {
        long n = 0;
        for (Layer layer : g.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            if (conf instanceof FrozenLayer || conf instanceof FrozenLayerWithBackprop) {
                continue;
            }
            boolean isBn = conf instanceof BatchNormalization;
            for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                if (!(isBn && BN_STATISTICS.contains(p.getKey()))) {
                    n += p.getValue().length();
                }
            }
        }
        return n;
    }

    /**
     * Same count as {@link #numTrainableParams(ComputationGraph)} from a built configuration, without allocating
     * the parameters (e.g. for a 375M-parameter ResNet-50 4x).
     *
     * @param conf a configuration built with input types set (so every {@code nIn} is known)
     * @return the count
     */
    public static long numTrainableParams(ComputationGraphConfiguration conf) {
        long n = 0;
        for (GraphVertex v : conf.getVertices().values()) {
            if (!(v instanceof LayerVertex lv)) {
                continue;
            }
            org.deeplearning4j.nn.conf.layers.Layer layer = lv.getLayerConf().getLayer();
            if (layer instanceof FrozenLayer || layer instanceof FrozenLayerWithBackprop) {
                continue;
            }
            n += layer.initializer().numParams(layer);
            if (layer instanceof BatchNormalization bn) {
                n -= 2 * bn.getNOut(); // running mean + running variance (or log-std)
            }
        }
        return n;
    }

    private static String basicBlock(GraphBuilder g, String name, String in, int inChannels, int width, int stride,
                                     double lastGamma, Layout layout) {
        String x = conv(g, name + "conv1", in, width, 3, stride, layout);
        x = bn(g, name + "bn1", x, 1, layout);
        x = relu(g, name + "relu1", x);
        x = conv(g, name + "conv2", x, width, 3, 1, layout);
        x = bn(g, name + "bn2", x, lastGamma, layout);
        return residual(g, name, in, x, inChannels, width, stride, layout);
    }

    private static String bottleneck(GraphBuilder g, String name, String in, int inChannels, int width, int stride,
                                     double lastGamma, Layout layout) {
        int out = width * BackboneSpec.Block.BOTTLENECK.expansion();
        String x = conv(g, name + "conv1", in, width, 1, 1, layout);
        x = bn(g, name + "bn1", x, 1, layout);
        x = relu(g, name + "relu1", x);
        x = conv(g, name + "conv2", x, width, 3, stride, layout); // v1.5: the stride is on the 3x3 conv
        x = bn(g, name + "bn2", x, 1, layout);
        x = relu(g, name + "relu2", x);
        x = conv(g, name + "conv3", x, out, 1, 1, layout);
        x = bn(g, name + "bn3", x, lastGamma, layout);
        return residual(g, name, in, x, inChannels, out, stride, layout);
    }

    /** Shortcut (identity, or 1x1 conv + BN when the shape changes), add, ReLU; returns the block output name. */
    private static String residual(GraphBuilder g, String name, String in, String branch, int inChannels, int out,
                                   int stride, Layout layout) {
        String shortcut = in;
        if (stride != 1 || inChannels != out) {
            shortcut = conv(g, name + "down_conv", in, out, 1, stride, layout);
            shortcut = bn(g, name + "down_bn", shortcut, 1, layout);
        }
        g.addVertex(name + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), branch, shortcut);
        return relu(g, name + "relu", name + "add");
    }

    /**
     * Whether a backbone passes {@link BlockedLayout} activations between its layers (when the layout is active):
     * the CIFAR stem (the ImageNet stem's max pool reads NCHW) and every channel count a multiple of
     * {@link BlockedLayout#CHANNEL_MULTIPLE}.
     */
    static boolean blockable(BackboneSpec spec) {
        if (spec.stem() != BackboneSpec.Stem.CIFAR || spec.stemWidth() % BlockedLayout.CHANNEL_MULTIPLE != 0) {
            return false;
        }
        for (int s = 0; s < spec.depth().numStages(); s++) {
            if (spec.stageWidth(s) % BlockedLayout.CHANNEL_MULTIPLE != 0
                    || spec.stageOutput(s) % BlockedLayout.CHANNEL_MULTIPLE != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the encoder's layers are marked for the blocked layout; the stem reads NCHW images either way. */
    private record Layout(boolean on) {
        /** The marks of a convolution inside the backbone. */
        boolean[] inner() {
            return new boolean[]{on, on};
        }

        /** The marks of the stem: NCHW images in. */
        boolean[] stem() {
            return new boolean[]{false, on};
        }
    }

    /** k x k convolution, stride {@code stride}, padding {@code k/2}, no bias, Kaiming-normal fan_out init. */
    private static String conv(GraphBuilder g, String name, String in, int nOut, int k, int stride, Layout layout) {
        return conv(g, name, in, nOut, k, stride, false, layout.inner());
    }

    private static String conv(GraphBuilder g, String name, String in, int nOut, int k, int stride, boolean imagesIn,
                               boolean[] blocked) {
        double std = Math.sqrt(2.0 / ((double) nOut * k * k));
        FastConvolution layer = new FastConvolution(new ConvolutionLayer.Builder(k, k)
                .stride(stride, stride)
                .padding(k / 2, k / 2)
                .convolutionMode(ConvolutionMode.Truncate)
                .hasBias(false)
                .nOut(nOut)
                .activation(Activation.IDENTITY)
                .weightInit(new NormalDistribution(0, std)));
        layer.blocked(blocked[0], blocked[1]);
        g.addLayer(name, imagesIn ? layer.withoutInputGradient() : layer, in);
        return name;
    }

    /** BatchNorm whose trainable gamma starts at {@code gamma} (DL4J initialises an unlocked gamma to the config's value). */
    private static String bn(GraphBuilder g, String name, String in, double gamma, Layout layout) {
        // DEVIATION: DL4J updates the running variance with the biased batch variance (PyTorch: unbiased, a factor
        // m/(m-1) with m = N*H*W, e.g. 1.0002 for 256 CIFAR images at 4x4); only evaluation-mode outputs see it.
        FastBatchNormalization layer = new FastBatchNormalization(BN_EPS, BN_DECAY);
        layer.setGamma(gamma);
        g.addLayer(name, layout.on() ? layer.blocked() : layer, in);
        return name;
    }

    private static String relu(GraphBuilder g, String name, String in) {
        g.addLayer(name, new FastRelu(), in);
        return name;
    }

    private static String maxPool(GraphBuilder g, String name, String in) {
        g.addLayer(name, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(3, 3)
                .stride(2, 2)
                .padding(1, 1)
                .convolutionMode(ConvolutionMode.Truncate)
                .build(), in);
        return name;
    }
}
