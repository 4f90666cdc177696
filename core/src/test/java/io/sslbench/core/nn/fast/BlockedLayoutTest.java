package io.sslbench.core.nn.fast;

import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.nn.Backbones;
import io.sslbench.core.nn.Encoder;
import io.sslbench.core.runtime.Backend;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A backbone passing {@link BlockedLayout} activations (BN by oneDNN) computes what the NCHW one with the Java BN
 * kernels computes: the same features in training and inference mode, the same gradients of every parameter and the
 * same running-statistics updates, with one statistics group or one per view; its intermediate activations are the
 * NCHW ones in oneDNN's blocked byte order.
 */
class BlockedLayoutTest {
    private static final double TOL = 1e-4;

    private static <T> T withLayout(String layout, Supplier<T> body) {
        String before = BlockedLayout.policy();
        BlockedLayout.setPolicy(layout);
        try {
            return body.get();
        } finally {
            BlockedLayout.setPolicy(before);
        }
    }

    private static ComputationGraph net(String backbone, int size) {
        GraphBuilder gb = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT).updater(new NoOp())
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(size, size, 3));
        Encoder e = Backbones.addEncoder(gb, "in", BackboneSpec.parse(backbone), "");
        gb.addLayer("head", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                .nOut(5).build(), e.output()).setOutputs("head");
        ComputationGraph net = new ComputationGraph(gb.build());
        net.init();
        return net;
    }

    /** NCHW values of a blocked array: element (n, c, s) sits at ((n C/B + c/B) S + s) B + c mod B. */
    private static INDArray unblock(INDArray blocked, int b) {
        long[] shape = blocked.shape();
        int n = (int) shape[0], c = (int) shape[1], s = (int) (shape[2] * shape[3]);
        float[] in = blocked.dup('c').data().asFloat();
        float[] out = new float[in.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int j = 0; j < s; j++) {
                    out[(i * c + ch) * s + j] = in[((i * (c / b) + ch / b) * s + j) * b + ch % b];
                }
            }
        }
        return Nd4j.create(out, shape, 'c');
    }

    private record Pass(Map<String, INDArray> activations, INDArray inference, Map<String, INDArray> gradients) {}

    private static Pass pass(ComputationGraph net, INDArray x, INDArray y) {
        Map<String, INDArray> acts = new TreeMap<>();
        net.feedForward(x, true).forEach((k, v) -> acts.put(k, v.dup()));
        INDArray inference = net.outputSingle(false, x).dup();
        net.setInputs(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        Map<String, INDArray> g = new TreeMap<>();
        net.gradient().gradientForVariable().forEach((k, v) -> g.put(k, v.dup()));
        return new Pass(acts, inference, g);
    }

    /** The reference: NCHW arrays and BN in the Java kernels (sums in double). */
    private static <T> T reference(Supplier<T> body) {
        String bn = DnnlBn.policy();
        DnnlBn.setPolicy("java");
        try {
            return withLayout("nchw", body);
        } finally {
            DnnlBn.setPolicy(bn);
        }
    }

    @Test
    void aBlockedBackboneComputesTheNchwFeaturesGradientsAndStatistics() {
        sameAsTheReference(1);
    }

    /** BN per view (two contiguous row groups): oneDNN once per group. */
    @Test
    void aBlockedBackboneWithBnPerViewComputesTheNchwGradients() {
        sameAsTheReference(2);
    }

    private static void sameAsTheReference(int groups) {
        assumeTrue(Backend.helpersEnabled(), "the blocked layout needs DL4J's helpers enabled");
        int b = BlockedLayout.block(DataType.FLOAT);
        assumeTrue(b > 0, "oneDNN gives a blocked layout on this CPU");
        ComputationGraph net = net("small-cifar", 12);
        FastBatchNormalization.applyGroups(net.getConfiguration(), groups);
        assertTrue(((FastBatchNormalization) layer(net.getConfiguration(), "layer1_0_bn1")).isBlocked());
        // running statistics away from their initial 0/1, so that inference mode reads non-trivial ones
        net.getLayer("layer2_0_bn1").getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).assign(Nd4j.rand(DataType.FLOAT, 1, 32));
        // DL4J keeps log10 of the running standard deviation (useLogStd)
        net.getLayer("layer2_0_bn1").getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)
                .assign(Nd4j.rand(DataType.FLOAT, 1, 32).subi(0.5).muli(0.4));
        Nd4j.getRandom().setSeed(15);
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, 3, 12, 12), y = Nd4j.randn(DataType.FLOAT, 6, 5);
        Pass blocked = withLayout("blocked", () -> pass(net, x, y));
        Pass nchw = reference(() -> pass(net, x, y));

        assertEquals(nchw.gradients().keySet(), blocked.gradients().keySet());
        for (String k : nchw.gradients().keySet()) { // weights, gamma, beta, and the running-statistics deltas
            double r = FastConvolutionBackwardTest.rel(blocked.gradients().get(k), nchw.gradients().get(k));
            assertTrue(r < TOL, k + " " + r);
        }
        assertTrue(FastConvolutionBackwardTest.rel(blocked.inference(), nchw.inference()) < TOL);
        assertTrue(FastConvolutionBackwardTest.rel(blocked.activations().get("features"), nchw.activations().get("features")) < TOL);
        for (String k : new String[]{"stem_conv", "stem_bn", "layer1_0_relu1", "layer2_0_add", "layer3_0_relu"}) {
            INDArray bl = blocked.activations().get(k), pl = nchw.activations().get(k);
            assertTrue(FastConvolutionBackwardTest.rel(bl, pl) > 1e-2, k + " is in blocked byte order, not NCHW");
            assertTrue(FastConvolutionBackwardTest.rel(unblock(bl, b), pl) < TOL, k + " holds the NCHW values in blocked order");
        }
    }

    @Test
    void marksFollowTheBackboneAndGroupedBnClearsThem() {
        ComputationGraphConfiguration cifar = net("small-cifar", 8).getConfiguration();
        FastConvolution stem = (FastConvolution) layer(cifar, "stem_conv");
        assertFalse(stem.isBlockedInput(), "the stem reads NCHW images");
        assertTrue(stem.isBlockedOutput());
        assertTrue(((FastConvolution) layer(cifar, "layer2_0_down_conv")).isBlockedInput());
        assertTrue(((FastBatchNormalization) layer(cifar, "layer3_0_bn2")).isBlocked());
        assertTrue(((FastGlobalPooling) layer(cifar, "features")).isBlocked());

        FastBatchNormalization.applyGroups(cifar, 2);
        assertTrue(((FastBatchNormalization) layer(cifar, "layer3_0_bn2")).isBlocked(), "BN per view runs blocked");
        FastBatchNormalization.applyGroups(cifar, 2, 4);
        assertFalse(((FastBatchNormalization) layer(cifar, "layer3_0_bn2")).isBlocked());
        assertFalse(((FastConvolution) layer(cifar, "stem_conv")).isBlockedOutput());
        assertFalse(((FastGlobalPooling) layer(cifar, "features")).isBlocked());

        GraphBuilder gb = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(32, 32, 3));
        Backbones.addEncoder(gb, "in", BackboneSpec.parse("resnet18-imagenet"), "");
        ComputationGraphConfiguration imagenet = gb.setOutputs("features").build();
        assertFalse(((FastConvolution) layer(imagenet, "stem_conv")).isBlockedOutput(), "max pool reads NCHW");
        assertFalse(((FastBatchNormalization) layer(imagenet, "layer1_0_bn1")).isBlocked());
    }

    @Test
    void thePolicyIsBlockedByDefaultAndRefusesUnknownValues() {
        assumeTrue(System.getProperty("sslbench.layout") == null, "set on the command line");
        assertEquals("blocked", BlockedLayout.policy());
        assertThrows(IllegalArgumentException.class, () -> BlockedLayout.setPolicy("nhwc"));
        assertEquals("blocked", BlockedLayout.policy());
        assertEquals(0, BlockedLayout.block(DataType.DOUBLE), "DOUBLE networks run DL4J's NCHW code");
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layer(ComputationGraphConfiguration conf, String name) {
        return ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
    }
}
