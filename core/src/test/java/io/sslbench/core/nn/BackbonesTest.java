package io.sslbench.core.nn;

import io.sslbench.core.nn.fast.BlockedLayout;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackbonesTest {

    private static ComputationGraphConfiguration config(String id, int imageSize, String prefix) {
        BackboneSpec spec = BackboneSpec.parse(id);
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("x")
                .setInputTypes(InputType.convolutional(imageSize, imageSize, spec.inputChannels()));
        Encoder e = Backbones.addEncoder(g, "x", spec, prefix);
        assertEquals(prefix + "features", e.output());
        assertEquals(spec.featureDim(), e.featureDim());
        return g.setOutputs(e.output()).build();
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layer(ComputationGraphConfiguration c, String name) {
        GraphVertex v = c.getVertices().get(name);
        assertInstanceOf(LayerVertex.class, v, name);
        return ((LayerVertex) v).getLayerConf().getLayer();
    }

    @Test
    void vertexNamesArePinned() {
        ComputationGraphConfiguration c = config("small-cifar", 32, "p_");
        List<String> expected = new ArrayList<>(List.of("p_stem_conv", "p_stem_bn", "p_stem_relu"));
        for (int s = 1; s <= 3; s++) {
            String b = "p_layer" + s + "_0_";
            expected.addAll(List.of(b + "conv1", b + "bn1", b + "relu1", b + "conv2", b + "bn2"));
            if (s > 1) {
                expected.addAll(List.of(b + "down_conv", b + "down_bn"));
            }
            expected.addAll(List.of(b + "add", b + "relu"));
        }
        expected.add("p_features");
        assertEquals(expected, new ArrayList<>(c.getVertices().keySet()));
        assertEquals(List.of("x"), c.getNetworkInputs());
        assertEquals(List.of("x"), c.getVertexInputs().get("p_stem_conv"));
        assertEquals(List.of("p_layer2_0_bn2", "p_layer2_0_down_bn"), c.getVertexInputs().get("p_layer2_0_add"));
        assertEquals(List.of("p_layer1_0_bn2", "p_stem_relu"), c.getVertexInputs().get("p_layer1_0_add"));
        assertInstanceOf(ElementWiseVertex.class, c.getVertices().get("p_layer1_0_add"));
        assertEquals(List.of("p_layer3_0_relu"), c.getVertexInputs().get("p_features"));

        ComputationGraphConfiguration r50 = config("resnet50-imagenet", 64, "");
        Set<String> names = r50.getVertices().keySet();
        for (String n : new String[]{"stem_pool", "layer1_0_down_conv", "layer1_0_conv3", "layer1_2_relu",
                "layer4_2_conv3", "layer4_2_relu", "features"}) {
            assertTrue(names.contains(n), n);
        }
        assertFalse(names.contains("layer1_1_down_conv"));
        assertFalse(names.contains("layer4_3_conv1"));
        // 1 stem conv + 16 blocks * 3 convs + 4 projections = 53 convolutions, as torchvision resnet50
        assertEquals(53, r50.getVertices().values().stream().filter(v -> v instanceof LayerVertex lv
                && lv.getLayerConf().getLayer() instanceof ConvolutionLayer).count());
    }

    @Test
    void layersFollowTorchvision() {
        ComputationGraphConfiguration c = config("resnet50-imagenet", 64, "");
        ConvolutionLayer stem = (ConvolutionLayer) layer(c, "stem_conv");
        assertArrayEquals(new int[]{7, 7}, stem.getKernelSize());
        assertArrayEquals(new int[]{2, 2}, stem.getStride());
        assertArrayEquals(new int[]{3, 3}, stem.getPadding());
        SubsamplingLayer pool = (SubsamplingLayer) layer(c, "stem_pool");
        assertEquals(org.deeplearning4j.nn.conf.layers.PoolingType.MAX, pool.getPoolingType());
        assertArrayEquals(new int[]{3, 3}, pool.getKernelSize());
        assertArrayEquals(new int[]{2, 2}, pool.getStride());
        assertArrayEquals(new int[]{1, 1}, pool.getPadding());
        // v1.5: the stride of a downsampling Bottleneck is on the 3x3 conv, not on the first 1x1
        assertArrayEquals(new int[]{1, 1}, ((ConvolutionLayer) layer(c, "layer2_0_conv1")).getStride());
        assertArrayEquals(new int[]{2, 2}, ((ConvolutionLayer) layer(c, "layer2_0_conv2")).getStride());
        assertArrayEquals(new int[]{2, 2}, ((ConvolutionLayer) layer(c, "layer2_0_down_conv")).getStride());
        assertArrayEquals(new int[]{1, 1}, ((ConvolutionLayer) layer(c, "layer2_0_down_conv")).getKernelSize());
        assertEquals(256, ((ConvolutionLayer) layer(c, "layer1_0_conv3")).getNOut());
        assertEquals(64, ((ConvolutionLayer) layer(c, "layer1_0_conv3")).getNIn());
        for (Map.Entry<String, GraphVertex> e : c.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv) {
                org.deeplearning4j.nn.conf.layers.Layer l = lv.getLayerConf().getLayer();
                if (l instanceof ConvolutionLayer conv) {
                    assertFalse(conv.hasBias(), e.getKey());
                    assertEquals(ConvolutionMode.Truncate, conv.getConvolutionMode(), e.getKey());
                    assertEquals(conv.getKernelSize()[0] / 2, conv.getPadding()[0], e.getKey());
                } else if (l instanceof BatchNormalization bn) {
                    assertEquals(1e-5, bn.getEps(), e.getKey());
                    assertEquals(0.9, bn.getDecay(), e.getKey());
                } else if (l instanceof ActivationLayer a) {
                    assertEquals("relu", a.getActivationFn().toString().toLowerCase(), e.getKey());
                }
            }
        }
        GlobalPoolingLayer features = (GlobalPoolingLayer) layer(c, "features");
        assertEquals(PoolingType.AVG, features.getPoolingType());
        ComputationGraphConfiguration cifar = config("resnet18-cifar", 32, "");
        ConvolutionLayer cstem = (ConvolutionLayer) layer(cifar, "stem_conv");
        assertArrayEquals(new int[]{3, 3}, cstem.getKernelSize());
        assertArrayEquals(new int[]{1, 1}, cstem.getStride());
        assertFalse(cifar.getVertices().containsKey("stem_pool"));
    }

    @Test
    void featuresAreTheSpatialMeanOfTheLastBlock() {
        // the blocks' activations read as NCHW (the blocked layout's byte order: BlockedLayoutTest)
        String layout = BlockedLayout.policy();
        BlockedLayout.setPolicy("nchw");
        try {
            featuresAreTheSpatialMeanOfTheLastNchwBlock();
        } finally {
            BlockedLayout.setPolicy(layout);
        }
    }

    private static void featuresAreTheSpatialMeanOfTheLastNchwBlock() {
        ComputationGraph g = Backbones.encoderGraph(BackboneSpec.parse("small-cifar"), 7, 16);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 3, 16, 16).subi(0.5);
        Map<String, INDArray> acts = g.feedForward(x, false);
        INDArray last = acts.get("layer3_0_relu");
        assertArrayEquals(new long[]{3, 64, 4, 4}, last.shape());
        INDArray mean = last.mean(2, 3);
        INDArray features = acts.get("features");
        assertArrayEquals(new long[]{3, 64}, features.shape());
        assertTrue(mean.sumNumber().doubleValue() > 0, "ReLU outputs should not be all zero");
        assertTrue(mean.equalsWithEps(features, 1e-6), () -> "features " + features + " vs mean " + mean);
        assertTrue(mean.equalsWithEps(g.outputSingle(x), 1e-6));
    }

    @Test
    void outputShapesPerVariant() {
        // {id, image size, batch}; the ImageNet-stem ResNets at 32px only (shape check, no 224px forward)
        Object[][] cases = {{"small-cifar", 32, 2}, {"small-cifar-gray", 28, 2}, {"smallx2-cifar", 32, 2},
                {"small-imagenet", 32, 2}, {"resnet18-cifar", 32, 2}, {"resnet18-imagenet", 32, 2},
                {"resnet34-imagenet", 32, 1}, {"resnet50-imagenet", 32, 1}};
        for (Object[] c : cases) {
            BackboneSpec spec = BackboneSpec.parse((String) c[0]);
            int size = (Integer) c[1], n = (Integer) c[2];
            ComputationGraph g = Backbones.encoderGraph(spec, 3, size);
            INDArray out = g.outputSingle(Nd4j.rand(DataType.FLOAT, n, spec.inputChannels(), size, size));
            assertArrayEquals(new long[]{n, spec.featureDim()}, out.shape(), spec.id());
            assertFalse(out.isNaN().any() || out.isInfinite().any(), spec.id());
        }
    }

    @Test
    void spatialSizesMatchPyTorch() {
        // PyTorch: out = floor((H + 2p - k) / s) + 1. ImageNet stem at 64px: conv 7/2/3 -> 32, pool 3/2/1 -> 16,
        // then layer1..4 -> 16, 8, 4, 2. CIFAR stem at 32px: 32, then 32, 16, 8, 4.
        ComputationGraph g = Backbones.encoderGraph(BackboneSpec.parse("resnet18-imagenet"), 3, 64);
        Map<String, INDArray> a = g.feedForward(Nd4j.rand(DataType.FLOAT, 1, 3, 64, 64), false);
        assertArrayEquals(new long[]{1, 64, 32, 32}, a.get("stem_relu").shape());
        assertArrayEquals(new long[]{1, 64, 16, 16}, a.get("stem_pool").shape());
        assertArrayEquals(new long[]{1, 64, 16, 16}, a.get("layer1_1_relu").shape());
        assertArrayEquals(new long[]{1, 128, 8, 8}, a.get("layer2_1_relu").shape());
        assertArrayEquals(new long[]{1, 256, 4, 4}, a.get("layer3_1_relu").shape());
        assertArrayEquals(new long[]{1, 512, 2, 2}, a.get("layer4_1_relu").shape());
        ComputationGraph c = Backbones.encoderGraph(BackboneSpec.parse("resnet18-cifar"), 3, 32);
        Map<String, INDArray> b = c.feedForward(Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32), false);
        assertArrayEquals(new long[]{1, 64, 32, 32}, b.get("layer1_1_relu").shape());
        assertArrayEquals(new long[]{1, 512, 4, 4}, b.get("layer4_1_relu").shape());
    }

    /*
     * Trainable parameter counts (BN running statistics excluded), derived by hand from torchvision's layout.
     * A k x k conv from c to o channels without bias has c*o*k*k weights; a BN over o channels has 2*o (gamma, beta).
     *
     * resnet18, ImageNet stem: stem 3*64*49 + 128 = 9,536.
     *   layer1: 2 blocks * 2 * (64*64*9 + 128)                                        =   147,968
     *   layer2: (64*128*9 + 256) + (128*128*9 + 256) + (64*128 + 256) + 2*(128*128*9 + 256) =   525,568
     *   layer3: (128*256*9 + 512) + (256*256*9 + 512) + (128*256 + 512) + 2*(256*256*9 + 512) = 2,099,712
     *   layer4: (256*512*9 + 1024) + (512*512*9 + 1024) + (256*512 + 1024) + 2*(512*512*9 + 1024) = 8,393,728
     *   total 11,176,512 = torchvision resnet18 11,689,512 minus fc (512*1000 + 1000 = 513,000).
     * resnet34: torchvision 21,797,672 minus fc 513,000 = 21,284,672.
     * resnet50: torchvision 25,557,032 minus fc (2048*1000 + 1000 = 2,049,000) = 23,508,032.
     * CIFAR ResNet-18: the 3x3 stem has 3*64*9 = 1,728 weights instead of 9,408: 11,176,512 - 7,680 = 11,168,832.
     * small-cifar: stem 3*16*9 + 32 = 464; layer1 2*(16*16*9 + 32) = 4,672;
     *   layer2 16*32*9 + 64 + 32*32*9 + 64 + 16*32 + 64 = 14,528; layer3 32*64*9 + 128 + 64*64*9 + 128 + 32*64 + 128
     *   = 57,728; total 77,392 (convolutions 76,720 of which stem 432; BN 672).
     * smallx2-cifar: non-stem convolutions scale by 4, the stem conv (3 input channels) and BN by 2:
     *   (76,720 - 432) * 4 + 432 * 2 + 672 * 2 = 307,360.
     * small-cifar-gray: stem conv 1*16*9 = 144 instead of 432: 77,104.
     */
    @Test
    void trainableParameterCountsMatchTorchvision() {
        Object[][] cases = {{"resnet18-imagenet", 11_176_512L}, {"resnet34-imagenet", 21_284_672L},
                {"resnet50-imagenet", 23_508_032L}, {"resnet18-cifar", 11_168_832L}, {"small-cifar", 77_392L},
                {"smallx2-cifar", 307_360L}, {"small-cifar-gray", 77_104L}};
        for (Object[] c : cases) {
            BackboneSpec spec = BackboneSpec.parse((String) c[0]);
            int size = spec.stem() == BackboneSpec.Stem.CIFAR ? 32 : 64;
            ComputationGraph g = Backbones.encoderGraph(spec, 1, size);
            assertEquals((long) c[1], Backbones.numTrainableParams(g), spec.id());
            assertEquals((long) c[1], Backbones.numTrainableParams(g.getConfiguration()), spec.id());
            // BN running mean and variance (log-std) are parameters in DL4J but not trainable
            assertTrue(g.numParams() > Backbones.numTrainableParams(g), spec.id());
        }
    }

    /*
     * SimCLR Table 1 / Fig. 8: ResNet-50 (2x) 94M and (4x) 375M parameters. From the ResNet-50 split
     * (stem conv 9,408, other convs 23,445,504, BN 53,120): 2x = 4*23,445,504 + 2*(9,408 + 53,120) = 93,907,072;
     * 4x = 16*23,445,504 + 4*(9,408 + 53,120) = 375,378,176. Counted from the configuration, nothing allocated.
     */
    @Test
    void widthMultiplierMatchesSimClrSizes() {
        assertEquals(93_907_072L, Backbones.numTrainableParams(config("resnet50x2-imagenet", 224, "")));
        assertEquals(375_378_176L, Backbones.numTrainableParams(config("resnet50x4-imagenet", 224, "")));
        assertEquals(94, Math.round(93_907_072 / 1e6));
        assertEquals(375, Math.round(375_378_176 / 1e6));
    }

    @Test
    void weightsAreKaimingNormalFanOut() {
        ComputationGraph g = Backbones.encoderGraph(BackboneSpec.parse("resnet18-imagenet"), 11, 32);
        // std = sqrt(2 / (nOut * k * k)), as kaiming_normal_(mode="fan_out", nonlinearity="relu")
        Object[][] cases = {{"stem_conv", 64 * 49}, {"layer4_1_conv2", 512 * 9}, {"layer3_0_down_conv", 256}};
        for (Object[] c : cases) {
            INDArray w = g.getLayer((String) c[0]).getParam("W");
            double expected = Math.sqrt(2.0 / (Integer) c[1]);
            double std = w.stdNumber().doubleValue();
            assertEquals(expected, std, 0.03 * expected, (String) c[0]);
            assertEquals(0, w.meanNumber().doubleValue(), 0.05 * expected, (String) c[0]);
        }
        assertEquals(1.0, g.getLayer("stem_bn").getParam("gamma").meanNumber().doubleValue(), 0);
        assertEquals(0.0, g.getLayer("stem_bn").getParam("beta").amaxNumber().doubleValue(), 0);
    }

    @Test
    void saveLoadGivesIdenticalOutputs(@TempDir Path dir) throws Exception {
        ComputationGraph g = Backbones.encoderGraph(BackboneSpec.parse("small-cifar"), 5, 16);
        // non-trivial running statistics and affine BN parameters: perturb every parameter
        g.params().addi(Nd4j.rand(DataType.FLOAT, g.params().shape()).muli(0.1));
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 16, 16);
        INDArray before = g.outputSingle(x);
        File f = dir.resolve("enc.zip").toFile();
        ModelSerializer.writeModel(g, f, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(f, true);
        assertEquals(g.getConfiguration().toJson(), back.getConfiguration().toJson());
        assertEquals(g.params(), back.params());
        assertEquals(before, back.outputSingle(x));
        assertEquals(before, g.outputSingle(x));
    }

    /**
     * Issue 15: torchvision's {@code zero_init_residual=True} / SimCLR's {@code init_zero=True} (ALL) start the last BN
     * of every block at gamma 0, Haiku's BlockV1 (BOTTLENECK) only that of bottleneck blocks; every other BN, the
     * shortcut's included, starts at 1. Configuration level for every block of ResNet-18 and ResNet-50.
     */
    @Test
    void zeroInitResidualSetsTheLastBnGammaOfTheChosenBlocks() {
        for (String id : List.of("resnet18-cifar", "resnet50-imagenet")) {
            BackboneSpec spec = BackboneSpec.parse(id);
            String last = spec.depth().block() == BackboneSpec.Block.BASIC ? "_bn2" : "_bn3";
            for (ZeroInitResidual z : ZeroInitResidual.values()) {
                GraphBuilder g = new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("x")
                        .setInputTypes(InputType.convolutional(32, 32, 3));
                ComputationGraphConfiguration c = g.setOutputs(Backbones.addEncoder(g, "x", spec, "", z).output()).build();
                int zeroed = 0, bns = 0;
                for (String name : c.getVertices().keySet()) {
                    if (layerOrNull(c, name) instanceof BatchNormalization bn) {
                        bns++;
                        boolean expectZero = name.startsWith("layer") && name.endsWith(last) && z.zeroes(spec.depth().block());
                        assertEquals(expectZero ? 0.0 : 1.0, bn.getGamma(), 0.0, id + " " + z + " " + name);
                        zeroed += expectZero ? 1 : 0;
                    }
                }
                int blocks = spec.depth() == BackboneSpec.Depth.RESNET18 ? 8 : 16;
                assertEquals(z == ZeroInitResidual.ALL || (z == ZeroInitResidual.BOTTLENECK && last.equals("_bn3")) ? blocks : 0,
                        zeroed, id + " " + z);
                assertTrue(bns > blocks);
            }
        }
    }

    /**
     * The initialised network, through the fast BN layers: every zeroed gamma parameter is 0, and a block whose shortcut
     * is the identity outputs its input (relu(0 + x) = x for the ReLU output x), in training and inference mode.
     */
    @Test
    void zeroInitialisedBlocksStartAsTheirShortcut() {
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).graphBuilder().addInputs("x")
                .setInputTypes(InputType.convolutional(16, 16, 3));
        g.setOutputs(Backbones.addEncoder(g, "x", BackboneSpec.parse("small-cifar"), "", ZeroInitResidual.ALL).output());
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        // exact: initial parameters are constants written by the initialiser, no float arithmetic that a CPU's kernels
        // could round differently
        for (String bn : List.of("layer1_0_bn2", "layer2_0_bn2", "layer3_0_bn2")) {
            assertEquals(0.0, net.getParam(bn + "_gamma").amaxNumber().doubleValue(), 0.0, bn);
            assertEquals(0.0, net.getParam(bn + "_beta").amaxNumber().doubleValue(), 0.0, bn);
        }
        assertEquals(1.0, net.getParam("layer1_0_bn1_gamma").minNumber().doubleValue(), 0.0);
        assertEquals(1.0, net.getParam("layer2_0_down_bn_gamma").minNumber().doubleValue(), 0.0);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 16, 16).subi(0.5);
        for (boolean train : new boolean[]{true, false}) {
            Map<String, INDArray> acts = net.feedForward(x, train);
            assertEquals(acts.get("stem_relu"), acts.get("layer1_0_relu"), "identity block, train=" + train);
            INDArray down = acts.get("layer2_0_down_bn");
            assertEquals(org.nd4j.linalg.ops.transforms.Transforms.relu(down, true), acts.get("layer2_0_relu"),
                    "projection block outputs relu(shortcut), train=" + train);
        }
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layerOrNull(ComputationGraphConfiguration c, String name) {
        return c.getVertices().get(name) instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
    }
}
