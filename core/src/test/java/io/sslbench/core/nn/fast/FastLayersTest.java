package io.sslbench.core.nn.fast;

import io.sslbench.core.util.Buffers;

import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.nn.Backbones;
import io.sslbench.core.runtime.Backend;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.File;
import java.nio.FloatBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fast BN and convolution layers against DL4J's built-in layers run in DOUBLE on the same values (the reference
 * is DL4J's own gradient-checked implementation; ours runs in FLOAT, so the bound is float rounding: values are
 * O(1), sums over at most a few thousand terms accumulated in double, relative error of a float ~6e-8; 2e-5 leaves
 * room for the float inputs' own rounding amplified by 1/std).
 */
class FastLayersTest {
    private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();
    private static final double TOL = 2e-5;

    private static Layer standalone(org.deeplearning4j.nn.conf.layers.Layer conf, DataType dt) {
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder().dataType(dt).updater(new NoOp())
                .layer(conf).build();
        long np = nnc.getLayer().initializer().numParams(nnc);
        Layer l = nnc.getLayer().instantiate(nnc, null, 0, np == 0 ? null : Nd4j.create(dt, 1, np), true, dt);
        if (np > 0) {
            l.setBackpropGradientsViewArray(Nd4j.create(dt, 1, np));
        }
        return l;
    }

    private static FastBatchNormalization fastBn(long c, boolean logStd) {
        FastBatchNormalization bn = new FastBatchNormalization(1e-5, 0.9);
        bn.setNIn(c);
        bn.setNOut(c);
        bn.setUseLogStd(logStd);
        return bn;
    }

    private static BatchNormalization refBn(long c, boolean logStd) {
        return new BatchNormalization.Builder().nIn(c).nOut(c).eps(1e-5).decay(0.9).useLogStd(logStd).build();
    }

    /** max |a - b| / max(1, max |b|) */
    private static double relDiff(INDArray a, INDArray b) {
        assertArrayEquals(b.shape(), a.shape());
        INDArray bd = b.castTo(DataType.DOUBLE);
        return a.castTo(DataType.DOUBLE).sub(bd).amaxNumber().doubleValue() / Math.max(1.0, bd.amaxNumber().doubleValue());
    }

    private static Pair<Gradient, INDArray> backward(Layer l, INDArray dy) {
        Pair<Gradient, INDArray> p = l.backpropGradient(dy, NO_WS);
        Gradient g = new DefaultGradient();
        p.getFirst().gradientForVariable().forEach((k, v) -> g.setGradientFor(k, v.dup()));
        return new Pair<>(g, p.getSecond().dup());
    }

    @Test
    void batchNormMatchesDl4jInDoubleForwardBackwardAndRunningStatistics() {
        assumeTrue(Backend.helpersEnabled(), "the fast path runs where DL4J's helpers are enabled");
        Nd4j.getRandom().setSeed(5);
        for (boolean logStd : new boolean[]{false, true}) {
            for (long[] shape : new long[][]{{16, 6}, {6, 5, 7, 9}, {3, 4, 1, 1}, {40, 3, 32, 32}}) {
                long c = shape[1];
                Layer fast = standalone(fastBn(c, logStd), DataType.FLOAT);
                Layer ref = standalone(refBn(c, logStd), DataType.DOUBLE);
                assertTrue(((FastBatchNormalizationLayer) fast).fastPath());
                INDArray gamma = Nd4j.rand(DataType.DOUBLE, 1, c).addi(0.5), beta = Nd4j.randn(DataType.DOUBLE, 1, c);
                // running statistics away from their initial values, so the deltas are not trivial
                INDArray rMean = Nd4j.randn(DataType.DOUBLE, 1, c), rVar = Nd4j.rand(DataType.DOUBLE, 1, c).addi(0.5);
                for (Layer l : new Layer[]{fast, ref}) {
                    l.getParam("gamma").assign(gamma);
                    l.getParam("beta").assign(beta);
                    l.getParam("mean").assign(rMean);
                    if (logStd) {
                        l.getParam("log10stdev").assign(org.nd4j.linalg.ops.transforms.Transforms.log(rVar, 10).muli(0.5));
                    } else {
                        l.getParam("var").assign(rVar);
                    }
                }
                // non-zero mean and non-unit scale per channel; rounded to float once, the reference sees the same values
                INDArray xf = Nd4j.randn(DataType.FLOAT, shape).muli(2.5f).addi(1.5f);
                INDArray dyf = Nd4j.randn(DataType.FLOAT, shape);
                String what = Arrays.toString(shape) + (logStd ? " logStd" : "");

                for (boolean training : new boolean[]{false, true}) {
                    fast.setInput(xf, NO_WS);
                    ref.setInput(xf.castTo(DataType.DOUBLE), NO_WS);
                    INDArray y = fast.activate(training, NO_WS).dup(), yRef = ref.activate(training, NO_WS).dup();
                    assertTrue(relDiff(y, yRef) < TOL, what + " forward training=" + training + ": " + relDiff(y, yRef));
                }
                Pair<Gradient, INDArray> g = backward(fast, dyf), gRef = backward(ref, dyf.castTo(DataType.DOUBLE));
                assertTrue(relDiff(g.getSecond(), gRef.getSecond()) < TOL, what + " dL/dx " + relDiff(g.getSecond(), gRef.getSecond()));
                for (String k : gRef.getFirst().gradientForVariable().keySet()) {
                    INDArray a = g.getFirst().getGradientFor(k), b = gRef.getFirst().getGradientFor(k);
                    assertNotNull(a, what + " missing gradient " + k);
                    assertTrue(relDiff(a, b) < TOL, what + " d" + k + " " + relDiff(a, b));
                }
                assertEquals(gRef.getFirst().gradientForVariable().keySet(), g.getFirst().gradientForVariable().keySet());
            }
        }
    }

    @Test
    void batchNormWithLockedScaleAndShiftMatchesDl4j() {
        assumeTrue(Backend.helpersEnabled(), "the fast path runs where DL4J's helpers are enabled");
        Nd4j.getRandom().setSeed(6);
        Layer fast = standalone(fastBn(8, true).locked(1.0, 0.0), DataType.FLOAT);
        Layer ref = standalone(new BatchNormalization.Builder().nIn(8).nOut(8).eps(1e-5).decay(0.9)
                .lockGammaBeta(true).gamma(1.0).beta(0.0).build(), DataType.DOUBLE);
        INDArray x = Nd4j.randn(DataType.FLOAT, 12, 8).muli(3f).subi(1f), dy = Nd4j.randn(DataType.FLOAT, 12, 8);
        fast.setInput(x, NO_WS);
        ref.setInput(x.castTo(DataType.DOUBLE), NO_WS);
        assertTrue(relDiff(fast.activate(true, NO_WS), ref.activate(true, NO_WS)) < TOL);
        assertTrue(relDiff(backward(fast, dy).getSecond(), backward(ref, dy.castTo(DataType.DOUBLE)).getSecond()) < TOL);
    }

    @Test
    void inputViewsWithAnOffsetAreReadAtTheirOwnElements() {
        assumeTrue(Backend.helpersEnabled(), "the fast path runs where DL4J's helpers are enabled");
        INDArray big = Nd4j.randn(DataType.FLOAT, 10, 3, 4, 4);
        INDArray rowsView = big.get(NDArrayIndex.interval(4, 7), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        assertTrue(rowsView.offset() > 0);
        Layer fast = standalone(fastBn(3, true), DataType.FLOAT);
        Layer ref = standalone(refBn(3, true), DataType.DOUBLE);
        fast.setInput(rowsView, NO_WS);
        ref.setInput(rowsView.castTo(DataType.DOUBLE), NO_WS);
        assertTrue(relDiff(fast.activate(true, NO_WS), ref.activate(true, NO_WS)) < TOL);
        // the buffer accessor itself, on a contiguous view with an offset
        INDArray row = big.reshape(10, 48).getRow(6);
        FloatBuffer b = Buffers.floats(row);
        assertEquals(48, b.remaining());
        for (int i = 0; i < 48; i++) {
            // exact on purpose: no arithmetic on either side (both read one stored float; this checks the buffer's
            // offset), so no kernel, shape or thread count is involved; compared as bits
            assertEquals(Float.floatToRawIntBits(row.getFloat(i)), Float.floatToRawIntBits(b.get(i)), "element " + i);
        }
    }

    @Test
    void convolutionBackwardMatchesDl4jWithoutTheRecomputedForward() {
        assumeTrue(Backend.helpersEnabled(), "the fast path needs DL4J's oneDNN helper");
        Nd4j.getRandom().setSeed(7);
        ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1).nIn(4).nOut(6)
                .convolutionMode(ConvolutionMode.Truncate).hasBias(false).activation(Activation.IDENTITY);
        Layer fast = standalone(new FastConvolution(b), DataType.FLOAT);
        Layer ref = standalone(b.build(), DataType.DOUBLE);
        assertTrue(((FastConvolutionLayer) fast).fastBackward());
        ref.getParam("W").assign(fast.getParam("W"));
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, 4, 9, 9);
        fast.setInput(x, NO_WS);
        ref.setInput(x.castTo(DataType.DOUBLE), NO_WS);
        INDArray y = fast.activate(true, NO_WS).dup();
        assertTrue(relDiff(y, ref.activate(true, NO_WS)) < TOL);
        INDArray dy = Nd4j.randn(DataType.FLOAT, y.shape());
        Pair<Gradient, INDArray> g = backward(fast, dy), gRef = backward(ref, dy.castTo(DataType.DOUBLE));
        assertTrue(relDiff(g.getSecond(), gRef.getSecond()) < TOL, "dL/dx " + relDiff(g.getSecond(), gRef.getSecond()));
        assertTrue(relDiff(g.getFirst().getGradientFor("W"), gRef.getFirst().getGradientFor("W")) < TOL);
    }

    @Test
    void aFirstConvolutionComputesTheWeightGradientOnly() {
        assumeTrue(Backend.helpersEnabled(), "the fast path needs DL4J's oneDNN helper");
        Nd4j.getRandom().setSeed(9);
        // the stem's case (3 -> 16, 3x3, pad 1) and others: 1x1 without padding, 5x5 with pad 2 on a non-square input
        int[][] cases = {{3, 16, 3, 1, 10, 10}, {2, 5, 1, 0, 6, 7}, {4, 3, 5, 2, 9, 8}};
        for (int[] cs : cases) {
            int ci = cs[0], co = cs[1], k = cs[2], p = cs[3], h = cs[4], w = cs[5];
            ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(k, k).stride(1, 1).padding(p, p).nIn(ci).nOut(co)
                    .convolutionMode(ConvolutionMode.Truncate).hasBias(false).activation(Activation.IDENTITY);
            Layer fast = standalone(new FastConvolution(b).withoutInputGradient(), DataType.FLOAT);
            Layer ref = standalone(b.build(), DataType.DOUBLE);
            ref.getParam("W").assign(fast.getParam("W"));
            INDArray x = Nd4j.randn(DataType.FLOAT, 6, ci, h, w);
            fast.setInput(x, NO_WS);
            ref.setInput(x.castTo(DataType.DOUBLE), NO_WS);
            INDArray y = fast.activate(true, NO_WS).dup();
            assertTrue(relDiff(y, ref.activate(true, NO_WS)) < TOL);
            INDArray dy = Nd4j.randn(DataType.FLOAT, y.shape());
            Pair<Gradient, INDArray> g = fast.backpropGradient(dy, NO_WS);
            assertNull(g.getSecond(), "no gradient at the images");
            INDArray dw = g.getFirst().getGradientFor("W").dup();
            INDArray dwRef = backward(ref, dy.castTo(DataType.DOUBLE)).getFirst().getGradientFor("W");
            assertTrue(relDiff(dw, dwRef) < TOL, Arrays.toString(cs) + ": dW " + relDiff(dw, dwRef));
        }
    }

    @Test
    void onlyAStemThatReadsTheImagesSkipsItsInputGradient() {
        ComputationGraph g = Backbones.encoderGraph(BackboneSpec.parse("small-cifar"), 1, 8);
        assertFalse(((FastConvolution) g.getLayer("stem_conv").conf().getLayer()).isInputGradient());
        assertTrue(((FastConvolution) g.getLayer("layer1_0_conv1").conf().getLayer()).isInputGradient());
    }

    @Test
    void reluMatchesDl4jsActivationLayerAndLeavesItsInputAlone() {
        Nd4j.getRandom().setSeed(8);
        Layer fast = standalone(new FastRelu(), DataType.FLOAT);
        Layer ref = standalone(new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU), DataType.FLOAT);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 5, 5), dy = Nd4j.randn(DataType.FLOAT, 4, 3, 5, 5);
        INDArray xCopy = x.dup();
        for (boolean training : new boolean[]{true, false}) {
            fast.setInput(x, NO_WS);
            ref.setInput(x.dup(), NO_WS);
            // both run the same native relu op on the same values (INDArray.equals compares within 1e-5)
            assertEquals(ref.activate(training, NO_WS), fast.activate(training, NO_WS));
            // exact on purpose: the input against its own copy, no arithmetic in between
            assertTrue(x.equalsWithEps(xCopy, 0.0), "the forward must not modify its input");
        }
        fast.setInput(x, NO_WS);
        ref.setInput(x.dup(), NO_WS);
        fast.activate(true, NO_WS);
        ref.activate(true, NO_WS);
        INDArray dx = fast.backpropGradient(dy, NO_WS).getSecond();
        assertEquals(ref.backpropGradient(dy.dup(), NO_WS).getSecond(), dx);
        assertEquals(dy.mul(x.gt(0).castTo(DataType.FLOAT)), dx);
        assertTrue(x.equalsWithEps(xCopy, 0.0), "the backward must not modify the input"); // exact: as above
    }

    @Test
    void denseBackwardMatchesDl4jWithoutTheRecomputedForward() {
        Nd4j.getRandom().setSeed(10);
        for (boolean bias : new boolean[]{true, false}) {
            FastDense conf = new FastDense(7, bias, org.deeplearning4j.nn.weights.WeightInit.XAVIER.getWeightInitFunction());
            conf.setNIn(5);
            Layer fast = standalone(conf, DataType.FLOAT);
            Layer ref = standalone(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(5).nOut(7).hasBias(bias)
                    .activation(Activation.IDENTITY).build(), DataType.DOUBLE);
            ref.getParam("W").assign(fast.getParam("W"));
            if (bias) {
                fast.getParam("b").assign(Nd4j.randn(DataType.FLOAT, 1, 7));
                ref.getParam("b").assign(fast.getParam("b"));
            }
            INDArray x = Nd4j.randn(DataType.FLOAT, 6, 5), dy = Nd4j.randn(DataType.FLOAT, 6, 7);
            fast.setInput(x, NO_WS);
            ref.setInput(x.castTo(DataType.DOUBLE), NO_WS);
            assertTrue(relDiff(fast.activate(true, NO_WS), ref.activate(true, NO_WS)) < TOL);
            Pair<Gradient, INDArray> g = backward(fast, dy), gRef = backward(ref, dy.castTo(DataType.DOUBLE));
            assertTrue(relDiff(g.getSecond(), gRef.getSecond()) < TOL, "dL/dx");
            assertEquals(gRef.getFirst().gradientForVariable().keySet(), g.getFirst().gradientForVariable().keySet());
            for (String k : gRef.getFirst().gradientForVariable().keySet()) {
                assertTrue(relDiff(g.getFirst().getGradientFor(k), gRef.getFirst().getGradientFor(k)) < TOL, "d" + k);
            }
        }
    }

    @Test
    void theLayersAreDl4jsInDoubleAndWithHelpersOff() {
        ComputationGraph ref = Backend.withoutHelpers(() -> Backbones.encoderGraph(BackboneSpec.parse("small-cifar"), 1, 8));
        assertTrue(Backend.helpers(ref).values().stream().allMatch(v -> v == null), () -> Backend.helpers(ref).toString());
        Layer dbl = standalone(fastBn(3, true), DataType.DOUBLE);
        assertFalse(((FastBatchNormalizationLayer) dbl).fastPath());
    }

    @Test
    void aBackboneSavesAndLoadsWithItsFastLayers(@TempDir File dir) throws Exception {
        ComputationGraph g = Backbones.encoderGraph(BackboneSpec.parse("small-cifar"), 3, 8);
        File f = new File(dir, "m.zip");
        ModelSerializer.writeModel(g, f, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(f, true);
        assertEquals(g.getConfiguration().toJson(), back.getConfiguration().toJson());
        assertInstanceOf(FastBatchNormalization.class, back.getLayer("stem_bn").conf().getLayer());
        assertInstanceOf(FastConvolution.class, back.getLayer("stem_conv").conf().getLayer());
        assertInstanceOf(FastReluLayer.class, back.getLayer("stem_relu"));
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
        // the same parameters, input and code path in one process (INDArray.equals compares within 1e-5)
        assertEquals(g.outputSingle(false, x), back.outputSingle(false, x));
    }

    /**
     * Issue 15: a BN with scale and no shift (TF's {@code center=False}, SimCLR's last projection BN). On the fast
     * (FLOAT) and DL4J's (DOUBLE) path: the output and the gamma and input gradients are a plain BN's with beta 0, the
     * beta gradient is exactly 0, and three steps of every optimiser rule (weight decay, LARS adaptation without
     * exclusion, Adam) leave beta at exactly 0 while gamma moves; the option survives a JSON round trip.
     */
    @Test
    void batchNormWithoutShiftKeepsBetaAtZero() {
        Nd4j.getRandom().setSeed(8);
        for (DataType dt : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            Layer noShift = standalone(fastBn(6, false).withoutShift(), dt);
            Layer plain = standalone(refBn(6, false), DataType.DOUBLE);
            INDArray gamma = Nd4j.rand(DataType.DOUBLE, 1, 6).addi(0.5);
            noShift.getParam("gamma").assign(gamma);
            plain.getParam("gamma").assign(gamma);
            // exact here and below: beta starts as the constant 0 and its gradient is set to 0, not computed; every rule's
            // update of a zero parameter with a zero gradient is 0 on any CPU (0 * x, 0 / (sqrt(0) + eps))
            assertEquals(0.0, noShift.getParam("beta").amaxNumber().doubleValue(), 0.0);
            INDArray x = Nd4j.randn(DataType.FLOAT, 10, 6).muli(2f).addi(1f), dy = Nd4j.randn(DataType.FLOAT, 10, 6);
            noShift.setInput(x.castTo(dt), NO_WS);
            plain.setInput(x.castTo(DataType.DOUBLE), NO_WS);
            assertTrue(relDiff(noShift.activate(true, NO_WS).dup(), plain.activate(true, NO_WS).dup()) < TOL, dt + " forward");
            Pair<Gradient, INDArray> g = backward(noShift, dy.castTo(dt)), ref = backward(plain, dy.castTo(DataType.DOUBLE));
            assertTrue(relDiff(g.getSecond(), ref.getSecond()) < TOL, dt + " dL/dx");
            assertTrue(relDiff(g.getFirst().getGradientFor("gamma"), ref.getFirst().getGradientFor("gamma")) < TOL, dt + " dgamma");
            assertTrue(ref.getFirst().getGradientFor("beta").amaxNumber().doubleValue() > 0.1, "a plain BN's beta would move");
            assertEquals(0.0, g.getFirst().getGradientFor("beta").amaxNumber().doubleValue(), 0.0, dt + " dbeta");

            for (String rule : new String[]{"sgd", "lars", "adam", "adamw"}) {
                Layer l = standalone(fastBn(6, false).withoutShift(), dt);
                var cfg = new io.sslbench.core.config.RunConfig.Optim(rule, 0.1, false, 0.9, false, 0.1, 0, 0, true, 0.001,
                        0.9, 0.999, 1e-8, java.util.List.of());
                var opt = new io.sslbench.core.optim.Optimizer(cfg, false, java.util.Set.of());
                for (int step = 0; step < 3; step++) {
                    l.setInput(x.castTo(dt), NO_WS);
                    l.activate(true, NO_WS);
                    Pair<Gradient, INDArray> gs = backward(l, dy.castTo(dt));
                    java.util.Map<String, INDArray> params = new java.util.LinkedHashMap<>(), grads = new java.util.LinkedHashMap<>();
                    for (String k : new String[]{"gamma", "beta"}) {
                        params.put("bn_" + k, l.getParam(k));
                        grads.put("bn_" + k, gs.getFirst().getGradientFor(k));
                    }
                    opt.step(params, grads, 0.1, 0.1);
                }
                assertEquals(0.0, l.getParam("beta").amaxNumber().doubleValue(), 0.0, dt + " " + rule + ": beta moved");
                assertNotEquals(1.0, l.getParam("gamma").getDouble(0), dt + " " + rule + ": gamma trained");
            }
        }
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().layer(fastBn(6, false).withoutShift()).build();
        FastBatchNormalization back = (FastBatchNormalization) NeuralNetConfiguration.fromJson(conf.toJson()).getLayer();
        assertFalse(back.isCenter());
        assertFalse(back.isLockGammaBeta());
        assertTrue(((FastBatchNormalization) NeuralNetConfiguration.fromJson(
                new NeuralNetConfiguration.Builder().layer(fastBn(6, false)).build().toJson()).getLayer()).isCenter());
    }

    @Test
    void batchNormPerViewNormalisesEachHalfOnItsOwnAndAveragesTheRunningStatistics() {
        assumeTrue(Backend.helpersEnabled(), "the fast path runs where DL4J's helpers are enabled");
        Nd4j.getRandom().setSeed(9);
        for (long[] shape : new long[][]{{12, 5}, {8, 3, 4, 4}}) {
            long c = shape[1];
            FastBatchNormalization perView = fastBn(c, false);
            perView.setGroups(2);
            Layer grouped = standalone(perView, DataType.FLOAT);
            Layer[] halves = {standalone(fastBn(c, false), DataType.DOUBLE), standalone(fastBn(c, false), DataType.DOUBLE)};
            INDArray gamma = Nd4j.rand(DataType.DOUBLE, 1, c).addi(0.5), beta = Nd4j.randn(DataType.DOUBLE, 1, c);
            INDArray rMean = Nd4j.randn(DataType.DOUBLE, 1, c), rVar = Nd4j.rand(DataType.DOUBLE, 1, c).addi(0.5);
            for (Layer l : new Layer[]{grouped, halves[0], halves[1]}) {
                l.getParam("gamma").assign(gamma);
                l.getParam("beta").assign(beta);
                l.getParam("mean").assign(rMean);
                l.getParam("var").assign(rVar);
            }
            // the two views with different statistics, so one set over both would differ from two sets
            INDArray x = Nd4j.randn(DataType.FLOAT, shape), dy = Nd4j.randn(DataType.FLOAT, shape);
            long half = shape[0] / 2;
            x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(half, shape[0])).muli(3f).addi(2f);
            grouped.setInput(x, NO_WS);
            INDArray y = grouped.activate(true, NO_WS).dup();
            Pair<Gradient, INDArray> g = backward(grouped, dy);
            INDArray[] yRef = new INDArray[2], dxRef = new INDArray[2];
            Gradient[] gRef = new Gradient[2];
            for (int v = 0; v < 2; v++) {
                var rows = org.nd4j.linalg.indexing.NDArrayIndex.interval(v * half, (v + 1) * half);
                halves[v].setInput(x.get(rows).castTo(DataType.DOUBLE), NO_WS);
                yRef[v] = halves[v].activate(true, NO_WS).dup();
                Pair<Gradient, INDArray> p = backward(halves[v], dy.get(rows).castTo(DataType.DOUBLE));
                dxRef[v] = p.getSecond();
                gRef[v] = p.getFirst();
            }
            String what = Arrays.toString(shape);
            assertTrue(relDiff(y, Nd4j.concat(0, yRef)) < TOL, what + " forward per view");
            assertTrue(relDiff(g.getSecond(), Nd4j.concat(0, dxRef)) < TOL, what + " dL/dx per view");
            for (String k : new String[]{"gamma", "beta"}) {
                INDArray sum = gRef[0].getGradientFor(k).add(gRef[1].getGradientFor(k));
                assertTrue(relDiff(g.getFirst().getGradientFor(k), sum) < TOL, what + " d" + k + " = the views' sum");
            }
            for (String k : new String[]{"mean", "var"}) {
                // one running-statistics step towards the average of the views' statistics: the deltas average
                INDArray avg = gRef[0].getGradientFor(k).add(gRef[1].getGradientFor(k)).muli(0.5);
                assertTrue(relDiff(g.getFirst().getGradientFor(k), avg) < TOL, what + " running " + k);
            }
            // and it is not the one-set-of-statistics BN over the whole batch
            Layer whole = standalone(fastBn(c, false), DataType.FLOAT);
            whole.getParam("gamma").assign(gamma);
            whole.getParam("beta").assign(beta);
            whole.setInput(x, NO_WS);
            assertTrue(relDiff(whole.activate(true, NO_WS), y) > 0.1, what + ": grouping changes the output");
        }
        // an odd batch cannot be split into two views; inference ignores the grouping
        FastBatchNormalization perView = fastBn(4, false);
        perView.setGroups(2);
        Layer l = standalone(perView, DataType.FLOAT);
        l.setInput(Nd4j.randn(DataType.FLOAT, 5, 4), NO_WS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.activate(true, NO_WS));
        assertTrue(e.getMessage().contains("5 rows"), e.getMessage());
        assertEquals(5, l.activate(false, NO_WS).size(0));
        // DL4J's path (DOUBLE) cannot group: refused by name rather than silently normalising the whole batch
        Layer dbl = standalone(perView, DataType.DOUBLE);
        dbl.setInput(Nd4j.randn(DataType.DOUBLE, 4, 4), NO_WS);
        assertThrows(UnsupportedOperationException.class, () -> dbl.activate(true, NO_WS));
        // the grouping is part of the saved configuration
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().layer(perView).build();
        assertEquals(2, ((FastBatchNormalization) NeuralNetConfiguration.fromJson(conf.toJson()).getLayer()).getGroups());
    }

    @Test
    void batchNormPerDeviceNormalisesEachDevicesRowsOfBothViewsTogether() {
        assumeTrue(Backend.helpersEnabled(), "the fast path runs where DL4J's helpers are enabled");
        Nd4j.getRandom().setSeed(11);
        // [view1; view2] of N = 6 images each on G = 3 devices: 6 blocks of 2 rows, device g = blocks g and g + 3
        for (long[] shape : new long[][]{{12, 5}, {12, 3, 4, 4}}) {
            long c = shape[1];
            FastBatchNormalization perDevice = fastBn(c, false);
            perDevice.setGroups(3);
            perDevice.setBlocks(6);
            Layer grouped = standalone(perDevice, DataType.FLOAT);
            INDArray x = Nd4j.randn(DataType.FLOAT, shape), dy = Nd4j.randn(DataType.FLOAT, shape);
            for (int r = 0; r < 12; r++) { // devices with different statistics
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(r)).muli(1 + (r / 2) % 3).addi((r / 2) % 3);
            }
            grouped.setInput(x, NO_WS);
            INDArray y = grouped.activate(true, NO_WS).dup();
            Pair<Gradient, INDArray> g = backward(grouped, dy);
            INDArray yRef = Nd4j.create(DataType.DOUBLE, shape), dxRef = Nd4j.create(DataType.DOUBLE, shape);
            INDArray dGamma = null;
            for (int d = 0; d < 3; d++) {
                long[] rows = {2L * d, 2L * d + 1, 6 + 2L * d, 7 + 2L * d};
                var idx = org.nd4j.linalg.indexing.NDArrayIndex.indices(rows);
                Layer ref = standalone(fastBn(c, false), DataType.DOUBLE);
                ref.setInput(x.get(idx).castTo(DataType.DOUBLE), NO_WS);
                INDArray yd = ref.activate(true, NO_WS);
                Pair<Gradient, INDArray> p = backward(ref, dy.get(idx).castTo(DataType.DOUBLE));
                for (int i = 0; i < rows.length; i++) {
                    yRef.get(org.nd4j.linalg.indexing.NDArrayIndex.point(rows[i])).assign(yd.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)));
                    dxRef.get(org.nd4j.linalg.indexing.NDArrayIndex.point(rows[i])).assign(p.getSecond().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)));
                }
                INDArray dg = p.getFirst().getGradientFor("gamma");
                dGamma = dGamma == null ? dg.dup() : dGamma.addi(dg);
            }
            String what = Arrays.toString(shape);
            assertTrue(relDiff(y, yRef) < TOL, what + " forward per device");
            assertTrue(relDiff(g.getSecond(), dxRef) < TOL, what + " dL/dx per device");
            assertTrue(relDiff(g.getFirst().getGradientFor("gamma"), dGamma) < TOL, what + " dgamma = the devices' sum");
        }
        FastBatchNormalization conf = fastBn(4, false);
        conf.setGroups(2);
        conf.setBlocks(4);
        assertEquals(4, ((FastBatchNormalization) NeuralNetConfiguration.fromJson(new NeuralNetConfiguration.Builder()
                .layer(conf).build().toJson()).getLayer()).getBlocks(), "the block layout is part of the saved configuration");
        assertThrows(IllegalArgumentException.class, () -> conf.setBlocks(3));
    }
}
