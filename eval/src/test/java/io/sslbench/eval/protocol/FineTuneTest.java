package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

class FineTuneTest {
    private static final int[][] PALETTE = {{220, 60, 60}, {60, 60, 220}, {60, 200, 60}};
    private static final float[] MEAN = {0.5f, 0.5f, 0.5f};
    private static final float[] STD = {0.25f, 0.25f, 0.25f};

    /**
     * A SimCLR-v2-like pretrained graph: encoder (conv -> BN -> ReLU -> GAP), a 2-layer projection head
     * proj1 (8, ReLU) -> proj2 (4), and a predictor hanging off proj2, trained with Adam (so the test can see
     * that fine-tuning replaces the updater).
     */
    static ComputationGraph pretrained(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).updater(new Adam(1e-3)).weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(6, 6, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(6).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("relu", new ActivationLayer(Activation.RELU), "bn")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu")
                .addLayer("proj1", new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build(), "gap")
                .addLayer("proj2", new DenseLayer.Builder().nOut(4).activation(Activation.IDENTITY).build(), "proj1")
                .addLayer("pred", new DenseLayer.Builder().nOut(4).activation(Activation.IDENTITY).build(), "proj2")
                .setOutputs("proj2", "pred")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static FineTuneConfig cfg(int epochs) {
        return new FineTuneConfig(epochs, 0.1, 0.9, 16, 0.0, true, 5, MEAN, STD);
    }

    @Test
    void classifierGraphKeepsTheEncoderUpToFromVertexWithItsWeights() {
        ComputationGraph pre = pretrained(1);
        pre.getConfiguration().setIterationCount(12345); // as after pretraining
        ComputationGraph ft = FineTune.buildClassifier(pre, "proj1", 8, 3, cfg(2), 10);
        Set<String> vertices = new TreeSet<>(ft.getConfiguration().getVertices().keySet());
        assertEquals(new TreeSet<>(Set.of("conv", "bn", "relu", "gap", "proj1", FineTune.CLASSIFIER)), vertices);
        assertEquals(java.util.List.of(FineTune.CLASSIFIER), ft.getConfiguration().getNetworkOutputs());
        for (String key : pre.paramTable().keySet()) {
            if (key.startsWith("proj2") || key.startsWith("pred")) {
                continue;
            }
            assertEquals(pre.getParam(key), ft.getParam(key), key + " not copied");
        }
        assertArrayEquals(new long[]{8, 3}, ft.getParam(FineTune.CLASSIFIER + "_W").shape());
        assertEquals(0, ft.getConfiguration().getIterationCount(), "pretraining iteration count must be reset");
        assertEquals(12345, pre.getConfiguration().getIterationCount());
    }

    @Test
    void everyTrainableLayerUsesNesterovWithTheCosineSchedule() {
        ComputationGraph ft = FineTune.buildClassifier(pretrained(1), "proj1", 8, 3, cfg(2), 10);
        for (String layer : new String[]{"conv", "bn", "proj1", FineTune.CLASSIFIER}) {
            BaseLayer conf = (BaseLayer) ft.getLayer(layer).conf().getLayer();
            for (String p : ft.getLayer(layer).paramTable().keySet()) {
                if (p.equals("mean") || p.equals("var") || p.equals("log10stdev")) {
                    continue; // BN statistics are not trained by the updater
                }
                assertInstanceOf(Nesterovs.class, conf.getUpdaterByParam(p), layer + "_" + p);
                Nesterovs u = (Nesterovs) conf.getUpdaterByParam(p);
                assertEquals(0.9, u.getMomentum(), 1e-12);
                ISchedule lr = u.getLearningRateSchedule();
                assertEquals(0.1, lr.valueAt(0, 0), 1e-12, layer + "_" + p);
                assertEquals(0.05, lr.valueAt(5, 0), 1e-12, layer + "_" + p);
            }
        }
    }

    /**
     * A network pretrained with a per-device (or per-view) BN layout fine-tunes with one set of statistics per batch: a
     * batch of 7 rows does not split into its 4 pretraining groups, and the pretrained graph keeps its layout.
     */
    @Test
    void fineTuningNormalisesEachBatchAsAWholeWhateverThePretrainingsBnLayout() {
        io.sslbench.core.runtime.Backend.init();
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(6, 6, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(4).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new io.sslbench.core.nn.fast.FastBatchNormalization(1e-5, 0.9), "conv")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn")
                .setOutputs("gap").build();
        io.sslbench.core.nn.fast.FastBatchNormalization.applyGroups(conf, 4, 4);
        ComputationGraph pre = new ComputationGraph(conf);
        pre.init();
        ComputationGraph ft = FineTune.buildClassifier(pre, "gap", 4, 3, cfg(1), 4);
        var bn = (io.sslbench.core.nn.fast.FastBatchNormalization)
                ((org.deeplearning4j.nn.conf.graph.LayerVertex) ft.getConfiguration().getVertices().get("bn")).getLayerConf().getLayer();
        assertEquals(1, bn.getGroups());
        assertEquals(1, bn.getBlocks());
        INDArray x = Nd4j.randn(DataType.FLOAT, 7, 3, 6, 6);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 7, 3);
        for (int i = 0; i < 7; i++) {
            y.putScalar(i, i % 3, 1);
        }
        assertDoesNotThrow(() -> ft.fit(new org.nd4j.linalg.dataset.DataSet(x, y)));
        var preBn = (io.sslbench.core.nn.fast.FastBatchNormalization)
                ((org.deeplearning4j.nn.conf.graph.LayerVertex) pre.getConfiguration().getVertices().get("bn")).getLayerConf().getLayer();
        assertEquals(4, preBn.getGroups(), "the pretrained graph keeps its layout");
    }

    @Test
    void theWholeNetworkIsTrainedNotOnlyTheClassifier() {
        ComputationGraph ft = FineTune.buildClassifier(pretrained(3), "proj1", 8, 3, cfg(1), 4);
        INDArray conv = ft.getParam("conv_W").dup(), proj = ft.getParam("proj1_W").dup();
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 3, 6, 6);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 3);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 3, 1);
        }
        ft.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
        assertNotEquals(conv, ft.getParam("conv_W"), "encoder conv weights were not updated");
        assertNotEquals(proj, ft.getParam("proj1_W"), "proj1 weights were not updated");
    }

    @Test
    void cosineScheduleEndpointsAndMonotone() {
        ISchedule s = FineTune.cosineSchedule(0.8, 100);
        assertEquals(0.8, s.valueAt(0, 0), 1e-15);
        assertEquals(0.4, s.valueAt(50, 0), 1e-12);
        assertEquals(0.8 * 0.5 * (1 + Math.cos(Math.PI * 99 / 100)), s.valueAt(99, 0), 1e-15);
        for (int t = 1; t < 100; t++) {
            assertTrue(s.valueAt(t, 0) < s.valueAt(t - 1, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> FineTune.cosineSchedule(0.1, 0));
    }

    @Test
    void classifierWidthIsMeasuredFromTheVertexWhateverItsLayerType() {
        ImageDataset ds = TestData.colourBlobs(4, 6, PALETTE, 60, 1);
        int[] subset = {0, 4, 8};
        ComputationGraph pre = pretrained(4);
        // "gap" (a pooling layer, 6 channels) and "relu" (an activation layer over [B,6,6,6]) have no nOut: the width
        // comes from a forward pass, as for SimCLR v2's first projection layer ("proj0_act", an activation layer)
        assertEquals(6, FineTune.outputWidth(pre, "gap", ds, 0, cfg(1)));
        assertEquals(8, FineTune.outputWidth(pre, "proj1", ds, 0, cfg(1)));
        FineTune.Result r = FineTune.run(pre, "gap", ds, subset, ds, cfg(1));
        assertEquals(3, r.numLabelled());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FineTune.outputWidth(pre, "relu", ds, 0, cfg(1)));
        assertTrue(e.getMessage().contains("relu") && e.getMessage().contains("[1, 6, 6, 6]"), e.getMessage());
    }

    @Test
    void fineTuningLearnsAnEasyTaskAndLeavesThePretrainedGraphAlone() {
        ImageDataset train = TestData.colourBlobs(40, 6, PALETTE, 60, 1);
        ImageDataset test = TestData.colourBlobs(20, 6, PALETTE, 60, 2);
        int[] subset = SemiSupervisedSubsets.balanced(train.labels(), 3, 0.25, 3); // 10 labelled images per class
        ComputationGraph pre = pretrained(2);
        INDArray before = pre.params().dup();
        String confBefore = pre.getConfiguration().toJson();

        FineTune.Result r = FineTune.run(pre, "proj1", train, subset, test, cfg(8));
        System.out.println(r.describe());

        SanityCheck.assertUnchanged(before, pre);
        assertEquals(confBefore, pre.getConfiguration().toJson());
        assertEquals(30, r.numLabelled());
        assertEquals(2 * 8, r.iterations());
        assertTrue(r.top1() >= 0.9, r.describe());
        assertEquals(1.0, r.top5());
        assertTrue(r.finalLoss() < Math.log(3), r.describe());
    }

    @Test
    void flipReversesTheWidthAxisOfAboutHalfTheImages() {
        INDArray x = Nd4j.arange(64 * 3 * 2 * 4).castTo(DataType.FLOAT).reshape(64, 3, 2, 4);
        INDArray f = FineTune.flipRandomly(x, new Random(1));
        int flipped = 0;
        for (int i = 0; i < 64; i++) {
            INDArray a = x.slice(i), b = f.slice(i);
            if (a.equals(b)) {
                continue;
            }
            flipped++;
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 2; h++) {
                    for (int w = 0; w < 4; w++) {
                        assertEquals(a.getFloat(c, h, w), b.getFloat(c, h, 3 - w));
                    }
                }
            }
        }
        assertTrue(flipped > 16 && flipped < 48, flipped + " of 64 flipped");
    }

    @Test
    void badInputsAreRejected() {
        ComputationGraph pre = pretrained(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FineTune.buildClassifier(pre, "nope", 8, 3, cfg(1), 1));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FineTune.buildClassifier(pre, "proj1", 5, 3, cfg(1), 1));
        assertTrue(e.getMessage().contains("8") && e.getMessage().contains("5"), e.getMessage());
        ImageDataset ds = TestData.colourBlobs(2, 6, PALETTE, 5, 1);
        assertThrows(IllegalArgumentException.class, () -> FineTune.run(pre, "proj1", ds, new int[]{99}, ds, cfg(1)));
        assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig(0, 0.1, 0.9, 8, 0, true, 1, MEAN, STD));
        e = assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig(1, 0.1, 1.0, 8, 0, true, 1, MEAN, STD));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig(1, 0.1, 0.9, 8, 0, true, 1, MEAN, new float[]{1, 0, 1}));
        FineTuneConfig paper = FineTuneConfig.simclr(0.01, 512, MEAN, STD);
        assertEquals(60, paper.epochs());
        assertEquals(0.1, paper.learningRate(), 1e-15);
        assertEquals(30, FineTuneConfig.simclr(0.1, 256, MEAN, STD).epochs());
    }
}
