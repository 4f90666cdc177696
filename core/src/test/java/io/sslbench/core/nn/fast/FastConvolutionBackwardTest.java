package io.sslbench.core.nn.fast;

import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.nn.Backbones;
import io.sslbench.core.nn.Encoder;
import io.sslbench.core.runtime.Backend;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The BLAS backward kernels of {@link FastConvolutionLayer} ({@link ConvKernels}) against DL4J's own
 * {@link ConvolutionLayer} backward run in DOUBLE on the same float values. The kernels sum in float in another order
 * than the reference (BLAS blocking depends on the machine: AVX2 or AVX-512), so results are compared with a tolerance:
 * max |fast - ref| / max |ref| < 1e-4 per array (sums of at most a few thousand O(1) products; measured differences
 * are of order 1e-6).
 */
class FastConvolutionBackwardTest {
    private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();
    private static final double TOL = 1e-4;

    private static Layer standalone(org.deeplearning4j.nn.conf.layers.Layer conf, DataType dt) {
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder().dataType(dt).updater(new NoOp())
                .layer(conf).build();
        long np = nnc.getLayer().initializer().numParams(nnc);
        Layer l = nnc.getLayer().instantiate(nnc, null, 0, Nd4j.create(dt, 1, np), true, dt);
        l.setBackpropGradientsViewArray(Nd4j.create(dt, 1, np));
        return l;
    }

    private static ConvolutionLayer.Builder conv(int ci, int co, int k, int s, int p, boolean bias) {
        return new ConvolutionLayer.Builder(k, k).stride(s, s).padding(p, p).nIn(ci).nOut(co)
                .convolutionMode(ConvolutionMode.Truncate).hasBias(bias).activation(Activation.IDENTITY);
    }

    /** Runs {@code body} with {@link ConvKernels#setPolicy} {@code policy}, restoring the previous one. */
    private static void withPolicy(String policy, Runnable body) {
        String before = ConvKernels.policy();
        ConvKernels.setPolicy(policy);
        try {
            body.run();
        } finally {
            ConvKernels.setPolicy(before);
        }
    }

    /** max |a - b| / max |b|, the shapes equal and b not all zeros. */
    static double rel(INDArray a, INDArray b) {
        assertArrayEquals(b.shape(), a.shape());
        INDArray bd = b.castTo(DataType.DOUBLE);
        double scale = bd.amaxNumber().doubleValue();
        assertTrue(scale > 0, "reference is all zeros");
        return a.castTo(DataType.DOUBLE).sub(bd).amaxNumber().doubleValue() / scale;
    }

    /** Copies of the gradient arrays (the layer reuses its views) and of the input gradient. */
    private static Pair<Map<String, INDArray>, INDArray> backward(Layer l, INDArray dy) {
        Pair<Gradient, INDArray> p = l.backpropGradient(dy, NO_WS);
        Map<String, INDArray> g = new TreeMap<>();
        p.getFirst().gradientForVariable().forEach((k, v) -> g.put(k, v.dup()));
        return new Pair<>(g, p.getSecond() == null ? null : p.getSecond().dup());
    }

    /**
     * Runs forward and backward of a FLOAT fast layer and its DOUBLE DL4J twin (same weights, bias, input and output
     * gradient), asserts the results agree and returns the path the fast layer took.
     */
    private static FastConvolutionLayer.Backward compare(ConvolutionLayer.Builder b, int n, int ci, int h, int w,
                                                         String what) {
        FastConvolutionLayer fast = (FastConvolutionLayer) standalone(new FastConvolution(b), DataType.FLOAT);
        Layer ref = standalone(b.build(), DataType.DOUBLE);
        fast.getParam("W").assign(Nd4j.randn(DataType.FLOAT, fast.getParam("W").shape()));
        ref.getParam("W").assign(fast.getParam("W"));
        if (fast.hasBias()) {
            fast.getParam("b").assign(Nd4j.randn(DataType.FLOAT, fast.getParam("b").shape()));
            ref.getParam("b").assign(fast.getParam("b"));
        }
        INDArray x = Nd4j.randn(DataType.FLOAT, n, ci, h, w);
        fast.setInput(x, NO_WS);
        ref.setInput(x.castTo(DataType.DOUBLE), NO_WS);
        INDArray y = fast.activate(true, NO_WS).dup();
        assertTrue(rel(y, ref.activate(true, NO_WS)) < TOL, what + " forward");
        INDArray dy = Nd4j.randn(DataType.FLOAT, y.shape());
        FastConvolutionLayer.Backward planned = fast.backwardPath();
        Pair<Map<String, INDArray>, INDArray> g = backward(fast, dy), gRef = backward(ref, dy.castTo(DataType.DOUBLE));
        assertEquals(planned, fast.lastBackward(), what + ": the path backwardPath() announced");
        assertEquals(gRef.getFirst().keySet(), g.getFirst().keySet(), what + " gradient keys");
        for (String key : gRef.getFirst().keySet()) {
            double r = rel(g.getFirst().get(key), gRef.getFirst().get(key));
            assertTrue(r < TOL, what + " d" + key + " " + r);
        }
        double r = rel(g.getSecond(), gRef.getSecond());
        assertTrue(r < TOL, what + " dL/dx " + r);
        return fast.lastBackward();
    }

    @Test
    void theBackwardMatchesDl4jOnEveryShapeItHandles() {
        assumeTrue(Backend.helpersEnabled(), "the fast path needs DL4J's oneDNN helper");
        Nd4j.getRandom().setSeed(11);
        // n, ci, co, h, w: batch 1, non-square, channel counts that are not multiples of 8, a 1x1 image, the CIFAR
        // widths at small sizes, more channels than pixels, odd sizes (stride 2 leaves the last row and column unread)
        int[][] shapes = {{1, 3, 5, 7, 9}, {2, 16, 16, 8, 8}, {3, 12, 20, 5, 11}, {1, 1, 1, 1, 1}, {4, 7, 3, 10, 6},
                {2, 64, 64, 4, 4}, {5, 33, 17, 2, 3}, {2, 6, 10, 9, 10}};
        // k, s, p: the ResNets' 3x3 convolutions (stride 1 and 2) and 1x1 stride-2 projections
        int[][] convs = {{3, 1, 1}, {3, 2, 1}, {1, 2, 0}};
        withPolicy("java", () -> {
            for (int[] cv : convs) {
                for (int[] s : shapes) {
                    for (boolean bias : new boolean[]{false, true}) {
                        String what = Arrays.toString(cv) + " " + Arrays.toString(s) + (bias ? " bias" : "");
                        assertEquals(FastConvolutionLayer.Backward.JAVA,
                                compare(conv(s[1], s[2], cv[0], cv[1], cv[2], bias), s[0], s[1], s[3], s[4], what), what);
                    }
                }
            }
            // other kernel sizes, paddings and strides through the layer
            assertEquals(FastConvolutionLayer.Backward.JAVA, compare(conv(4, 6, 5, 1, 2, false), 2, 4, 7, 7, "5x5 s1"));
            assertEquals(FastConvolutionLayer.Backward.JAVA, compare(conv(4, 6, 3, 3, 1, false), 2, 4, 9, 10, "3x3 s3"));
        });
        if (DnnlConv.available()) { // the same shapes through oneDNN called directly (a bias keeps the helper)
            withPolicy("dnnl", () -> {
                for (int[] cv : convs) {
                    for (int[] s : shapes) {
                        String what = "dnnl " + Arrays.toString(cv) + " " + Arrays.toString(s);
                        assertEquals(FastConvolutionLayer.Backward.DNNL,
                                compare(conv(s[1], s[2], cv[0], cv[1], cv[2], false), s[0], s[1], s[3], s[4], what), what);
                    }
                }
            });
        }
    }

    @Test
    void theKernelsMatchDl4jForOtherKernelSizesStridesPaddingsAndChunkings() {
        assumeTrue(Backend.helpersEnabled(), "the reference run here goes through DL4J's built-in layer only");
        Nd4j.getRandom().setSeed(12);
        // n, ci, co, h, w, k, s, p
        int[][] cases = {{3, 4, 6, 7, 5, 1, 1, 0}, {2, 5, 3, 9, 8, 5, 1, 2}, {3, 6, 4, 8, 7, 3, 1, 0},
                {2, 3, 5, 6, 9, 5, 1, 1}, {5, 9, 11, 6, 6, 3, 1, 1}, {3, 4, 6, 9, 8, 3, 2, 0}, {2, 5, 3, 11, 10, 5, 3, 2},
                {3, 3, 4, 8, 9, 2, 2, 0}, {2, 4, 5, 10, 7, 3, 3, 1}, {4, 6, 5, 9, 9, 1, 2, 0}};
        for (int[] c : cases) {
            int n = c[0], ci = c[1], co = c[2], h = c[3], w = c[4], k = c[5], s = c[6], p = c[7];
            Layer ref = standalone(conv(ci, co, k, s, p, false).build(), DataType.DOUBLE);
            INDArray wt = Nd4j.randn(DataType.FLOAT, co, ci, k, k), x = Nd4j.randn(DataType.FLOAT, n, ci, h, w);
            ref.getParam("W").assign(wt);
            ref.setInput(x.castTo(DataType.DOUBLE), NO_WS);
            INDArray y = ref.activate(true, NO_WS);
            INDArray dy = Nd4j.randn(DataType.FLOAT, y.shape());
            Pair<Map<String, INDArray>, INDArray> gRef = backward(ref, dy.castTo(DataType.DOUBLE));
            // chunks of one image, of about two (the last one shorter when n is odd) and of the whole batch
            long two = 2L * 4 * ci * k * k * y.size(2) * (w + 2 * p);
            for (long chunkBytes : new long[]{1, two, Long.MAX_VALUE}) {
                for (boolean nd4j : new boolean[]{false, true}) { // OpenBLAS or ND4J's gemm
                    ConvKernels.setNd4jGemm(nd4j);
                    try {
                        String what = Arrays.toString(c) + " chunk " + chunkBytes + " bytes" + (nd4j ? " nd4j gemm" : "");
                        checkKernels(x, dy, wt, k, s, p, chunkBytes, gRef.getFirst().get("W"), gRef.getSecond(), what);
                    } finally {
                        ConvKernels.setNd4jGemm(null);
                    }
                }
            }
        }
    }

    private static void checkKernels(INDArray x, INDArray dy, INDArray wt, int k, int s, int p, long chunkBytes,
                                     INDArray dwRef, INDArray dxRef, String what) {
        INDArray dw = Nd4j.create(DataType.FLOAT, wt.shape()).assign(Float.NaN); // overwritten, not added to
        INDArray dx = Nd4j.create(DataType.FLOAT, x.shape()).assign(Float.NaN);
        ConvKernels.weightGradientStrided(x, dy, dw, k, s, p, chunkBytes);
        ConvKernels.inputGradientStrided(dy, wt, dx, k, s, p, chunkBytes);
        assertTrue(rel(dw, dwRef) < TOL, what + " dW " + rel(dw, dwRef));
        assertTrue(rel(dx, dxRef) < TOL, what + " dx " + rel(dx, dxRef));
        if (s == 1) { // the stride-1 input gradient (a convolution of dy with the flipped kernel)
            dx.assign(Float.NaN);
            ConvKernels.inputGradientStride1(dy, wt, dx, k, p, chunkBytes);
            assertTrue(rel(dx, dxRef) < TOL, what + " dx (stride 1) " + rel(dx, dxRef));
            dw.assign(Float.NaN);
            ConvKernels.weightGradientStride1(x, dy, dw, k, p, chunkBytes);
            assertTrue(rel(dw, dwRef) < TOL, what + " dW (stride 1) " + rel(dw, dwRef));
        }
    }

    /**
     * The default policy: forward and backward through oneDNN's primitives called directly, for every bias-free,
     * undilated Truncate convolution (other kernel shapes and strides too), a stem with its weight gradient only;
     * results as DL4J's in DOUBLE. A bias, a dilation or Same mode keep the older paths.
     */
    @Test
    void byDefaultConvolutionsRunThroughOneDnnCalledDirectly() {
        assumeTrue(Backend.helpersEnabled(), "the fast path needs DL4J's oneDNN helper");
        assumeTrue(DnnlConv.available(), "the oneDNN preset loads on this platform");
        Nd4j.getRandom().setSeed(12);
        withPolicy("dnnl", () -> {
            for (int[] c : new int[][]{{3, 1, 1}, {1, 2, 0}, {3, 2, 1}, {1, 1, 0}, {5, 1, 2}, {3, 3, 1}}) {
                FastConvolutionLayer.Backward path = compare(conv(4, 6, c[0], c[1], c[2], false), 3, 4, 9, 8,
                        c[0] + "x" + c[0] + " s" + c[1] + " p" + c[2]);
                assertEquals(FastConvolutionLayer.Backward.DNNL, path, Arrays.toString(c));
            }
            // 3x3 stride 1 with many channels: where oneDNN picks Winograd (F(4x4, 3x3)) on AVX-512 (measured: the
            // forward and input gradient of the first, the weight gradient of the second); direct elsewhere
            assertEquals(FastConvolutionLayer.Backward.DNNL, compare(conv(64, 64, 3, 1, 1, false), 32, 64, 16, 16,
                    "64->64 3x3 s1"));
            assertEquals(FastConvolutionLayer.Backward.DNNL, compare(conv(256, 256, 3, 1, 1, false), 8, 256, 8, 8,
                    "256->256 3x3 s1"));
            assertEquals(FastConvolutionLayer.Backward.DNNL,
                    compare(new ConvolutionLayer.Builder(3, 1).stride(2, 1).padding(1, 0).nIn(4).nOut(6)
                            .convolutionMode(ConvolutionMode.Truncate).hasBias(false).activation(Activation.IDENTITY),
                            2, 4, 7, 5, "3x1 stride 2x1"));
            FastConvolutionLayer stem = (FastConvolutionLayer) standalone(
                    new FastConvolution(conv(3, 5, 3, 1, 1, false)).withoutInputGradient(), DataType.FLOAT);
            Layer ref = standalone(conv(3, 5, 3, 1, 1, false).build(), DataType.DOUBLE);
            ref.getParam("W").assign(stem.getParam("W"));
            INDArray x = Nd4j.randn(DataType.FLOAT, 2, 3, 6, 6);
            stem.setInput(x, NO_WS);
            ref.setInput(x.castTo(DataType.DOUBLE), NO_WS);
            INDArray y = stem.activate(true, NO_WS).dup();
            assertTrue(rel(y, ref.activate(true, NO_WS)) < TOL, "stem forward");
            assertTrue(stem.directForward());
            assertEquals(FastConvolutionLayer.Backward.DNNL, stem.backwardPath());
            Pair<Map<String, INDArray>, INDArray> g = backward(stem, y.dup());
            assertNull(g.getSecond(), "no gradient at the images");
            assertTrue(rel(g.getFirst().get("W"), backward(ref, y.castTo(DataType.DOUBLE)).getFirst().get("W")) < TOL);
            assertEquals(FastConvolutionLayer.Backward.DNNL, stem.lastBackward());
            // a bias: the helper; dilation and Same mode: DL4J's own code
            assertEquals(FastConvolutionLayer.Backward.ONEDNN, compare(conv(4, 6, 3, 1, 1, true), 2, 4, 8, 8, "bias"));
            assertEquals(FastConvolutionLayer.Backward.DL4J,
                    compare(conv(3, 5, 3, 1, 2, false).dilation(2, 2), 2, 3, 7, 7, "3x3 dilation 2"));
            assertEquals(FastConvolutionLayer.Backward.DL4J,
                    compare(conv(3, 5, 3, 1, 0, false).convolutionMode(ConvolutionMode.Same), 2, 3, 6, 6, "Same mode"));
        });
    }

    @Test
    void underTheOneDnnPolicyFullBackwardPassesStayOnTheHelperAndAStemOnTheKernels() {
        assumeTrue(Backend.helpersEnabled(), "the fast path needs DL4J's oneDNN helper");
        Nd4j.getRandom().setSeed(13);
        withPolicy("onednn", () -> {
            assertEquals(FastConvolutionLayer.Backward.ONEDNN, compare(conv(4, 6, 3, 1, 1, false), 2, 4, 8, 8, "3x3 s1"));
            assertEquals(FastConvolutionLayer.Backward.ONEDNN, compare(conv(4, 6, 1, 2, 0, false), 2, 4, 8, 8, "1x1 s2"));
            FastConvolutionLayer stem = (FastConvolutionLayer) standalone(
                    new FastConvolution(conv(3, 5, 3, 1, 1, false)).withoutInputGradient(), DataType.FLOAT);
            stem.setInput(Nd4j.randn(DataType.FLOAT, 2, 3, 6, 6), NO_WS);
            INDArray y = stem.activate(true, NO_WS);
            assertEquals(FastConvolutionLayer.Backward.JAVA_WEIGHTS_ONLY, stem.backwardPath());
            assertNull(stem.backpropGradient(y.dup(), NO_WS).getSecond());
            assertEquals(FastConvolutionLayer.Backward.JAVA_WEIGHTS_ONLY, stem.lastBackward());
        });
    }

    @Test
    void whatTheKernelsDoNotHandleFallsBackToOneDnnOrDl4j() {
        assumeTrue(Backend.helpersEnabled(), "the fast path needs DL4J's oneDNN helper");
        Nd4j.getRandom().setSeed(14);
        withPolicy("java", () -> {
            // a non-square kernel, unequal strides: oneDNN's conv2d_bp on the incoming gradient
            assertEquals(FastConvolutionLayer.Backward.ONEDNN,
                    compare(new ConvolutionLayer.Builder(3, 1).stride(1, 1).padding(1, 0).nIn(4).nOut(6)
                            .convolutionMode(ConvolutionMode.Truncate).hasBias(false).activation(Activation.IDENTITY),
                            2, 4, 6, 5, "3x1"));
            assertEquals(FastConvolutionLayer.Backward.ONEDNN,
                    compare(conv(4, 6, 3, 1, 1, false).stride(2, 1), 2, 4, 7, 6, "stride 2x1"));
            // DL4J's own backward: a dilated convolution (oneDNN refuses its descriptor here, so DL4J drops the helper
            // after the failed forward), other activations, Same mode
            assertEquals(FastConvolutionLayer.Backward.DL4J,
                    compare(conv(3, 5, 3, 1, 2, false).dilation(2, 2), 2, 3, 7, 7, "3x3 dilation 2"));
            assertEquals(FastConvolutionLayer.Backward.DL4J,
                    compare(conv(3, 5, 3, 1, 1, false).activation(Activation.TANH), 2, 3, 6, 6, "tanh"));
            assertEquals(FastConvolutionLayer.Backward.DL4J,
                    compare(conv(3, 5, 3, 1, 0, false).convolutionMode(ConvolutionMode.Same), 2, 3, 6, 6, "Same mode"));
        });
    }

    /**
     * A whole small-cifar encoder in training (DL4J's default training workspaces): gradients with the kernels'
     * backward equal those with oneDNN's, same parameters and batch. Metric per array: max |a - b| / max |b|.
     */
    @Test
    void aBackboneTrainsToTheSameGradientsOnEitherPolicy() {
        assumeTrue(Backend.helpersEnabled(), "the fast path needs DL4J's oneDNN helper");
        BackboneSpec spec = BackboneSpec.parse("small-cifar");
        GraphBuilder gb = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT).updater(new NoOp())
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(12, 12, 3));
        Encoder e = Backbones.addEncoder(gb, "in", spec, "");
        gb.addLayer("head", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                .nOut(5).build(), e.output()).setOutputs("head");
        ComputationGraph net = new ComputationGraph(gb.build());
        net.init();
        Nd4j.getRandom().setSeed(15);
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, 3, 12, 12), y = Nd4j.randn(DataType.FLOAT, 6, 5);
        Map<String, Map<String, INDArray>> grads = new TreeMap<>();
        for (String policy : new String[]{"dnnl", "onednn", "java"}) {
            withPolicy(policy, () -> {
                net.setInputs(x);
                net.setLabels(y);
                net.computeGradientAndScore();
                Map<String, INDArray> g = new TreeMap<>();
                net.gradient().gradientForVariable().forEach((k, v) -> g.put(k, v.dup()));
                grads.put(policy, g);
                FastConvolutionLayer c = (FastConvolutionLayer) net.getLayer("layer2_0_conv1");
                assertEquals(policy.equals("java") ? FastConvolutionLayer.Backward.JAVA
                        : policy.equals("onednn") || !DnnlConv.available() ? FastConvolutionLayer.Backward.ONEDNN
                        : FastConvolutionLayer.Backward.DNNL, c.lastBackward());
            });
        }
        for (String policy : new String[]{"dnnl", "java"}) {
            assertEquals(grads.get("onednn").keySet(), grads.get(policy).keySet());
            for (String k : grads.get("onednn").keySet()) {
                double r = rel(grads.get(policy).get(k), grads.get("onednn").get(k));
                assertTrue(r < TOL, policy + " " + k + " " + r);
            }
        }
    }

    @Test
    void thePolicyIsDnnlByDefaultAndRefusesUnknownValues() {
        assumeTrue(System.getProperty("sslbench.conv") == null, "set on the command line");
        assertEquals("dnnl", ConvKernels.policy());
        assertThrows(IllegalArgumentException.class, () -> ConvKernels.setPolicy("auto"));
        assertEquals("dnnl", ConvKernels.policy());
    }

    @Test
    void doubleAndDisabledHelpersTakeDl4jsPath() {
        ConvolutionLayer.Builder b = conv(3, 4, 3, 1, 1, false);
        FastConvolutionLayer dbl = (FastConvolutionLayer) standalone(new FastConvolution(b), DataType.DOUBLE);
        FastConvolutionLayer noHelper = Backend.withoutHelpers(
                () -> (FastConvolutionLayer) standalone(new FastConvolution(b), DataType.FLOAT));
        for (FastConvolutionLayer l : new FastConvolutionLayer[]{dbl, noHelper}) { // whatever the policy
            INDArray x = Nd4j.randn(l.getParam("W").dataType(), 2, 3, 5, 5);
            l.setInput(x, NO_WS);
            INDArray y = l.activate(true, NO_WS);
            assertEquals(FastConvolutionLayer.Backward.DL4J, l.backwardPath());
            assertNotNull(l.backpropGradient(y.dup(), NO_WS).getSecond());
            assertEquals(FastConvolutionLayer.Backward.DL4J, l.lastBackward());
        }
    }
}
