package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.Tensors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class FeatureExtractorTest {
    private static final int[][] PALETTE = {{200, 40, 40}, {40, 40, 200}, {40, 200, 40}};

    @Test
    void batchedExtractionEqualsOneInferencePassAndLeavesTheEncoderUnchanged() {
        ImageDataset ds = TestData.colourBlobs(7, 8, PALETTE, 30, 1);
        ComputationGraph enc = TestData.tinyEncoder(8, 8, 3, 6, 3);
        // non-trivial BN running statistics, so inference vs training mode would differ
        enc.getLayer("bn").getParam("mean").addi(0.3);
        enc.getLayer("bn").getParam("log10stdev").addi(0.2);
        INDArray before = enc.params().dup();

        INDArray f = FeatureExtractor.extract(enc, ds, TestData.CIFAR_MEAN, TestData.CIFAR_STD, 4);
        assertArrayEquals(new long[]{21, 6}, f.shape());
        assertEquals(DataType.FLOAT, f.dataType());

        int[] all = IntStream.range(0, ds.size()).toArray();
        INDArray whole = enc.output(false, Tensors.toNchw(ds, all, TestData.CIFAR_MEAN, TestData.CIFAR_STD))[0];
        assertTrue(whole.equalsWithEps(f, 1e-5), "batched features differ from one full-batch inference pass");
        SanityCheck.assertUnchanged(before, enc);

        // inference mode: BN uses running stats, i.e. the training-mode (batch-stat) forward differs
        INDArray train = enc.output(true, Tensors.toNchw(ds, all, TestData.CIFAR_MEAN, TestData.CIFAR_STD))[0];
        assertFalse(train.equalsWithEps(f, 1e-3), "features look like training-mode BN output");
    }

    @Test
    void namedVertexPooled4dIsFlattenedAndSpatialMapsAreRejected() {
        // 1x1 images: the ReLU map is [B, 5, 1, 1] and equals the pooled features
        ImageDataset pixels = TestData.colourBlobs(3, 1, PALETTE, 10, 2);
        ComputationGraph enc1 = TestData.tinyEncoder(1, 1, 3, 5, 4);
        INDArray viaRelu = FeatureExtractor.extract(enc1, "relu", pixels, TestData.CIFAR_MEAN, TestData.CIFAR_STD, 4);
        INDArray viaGap = FeatureExtractor.extract(enc1, pixels, TestData.CIFAR_MEAN, TestData.CIFAR_STD, 4);
        assertArrayEquals(new long[]{9, 5}, viaRelu.shape());
        assertTrue(viaGap.equalsWithEps(viaRelu, 1e-6));

        ImageDataset ds = TestData.colourBlobs(2, 4, PALETTE, 10, 2);
        ComputationGraph enc = TestData.tinyEncoder(4, 4, 3, 5, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                FeatureExtractor.extract(enc, "relu", ds, TestData.CIFAR_MEAN, TestData.CIFAR_STD, 2));
        assertTrue(e.getMessage().contains("relu") && e.getMessage().contains("[2, 5, 4, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                FeatureExtractor.extract(enc, "nope", ds, TestData.CIFAR_MEAN, TestData.CIFAR_STD, 2));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () ->
                FeatureExtractor.extract(enc, ds, TestData.CIFAR_MEAN, TestData.CIFAR_STD, 0));
    }
}
