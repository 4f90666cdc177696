package io.sslbench.core.aug;

import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.Tensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared evaluation transforms and normalisation (each method's training views are tested in its module). */
class PresetsTest {

    @Test
    void evalOnCifarIsPlainNormalisation() throws Exception {
        ImageDataset ds = TestImages.cifarJpegs(2, 3);
        ViewPipeline eval = Presets.eval(Presets.Target.CIFAR);
        Normalization n = Normalization.CIFAR10;
        for (int i = 0; i < ds.size(); i++) {
            float[] ours = eval.apply(FloatImage.fromDataset(ds, i), new SplittableRandom(0));
            float[] ref = Tensors.toNchw(ds, new int[]{i}, n.mean(), n.std()).data().asFloat();
            assertTrue(TestImages.maxAbsDiff(ours, ref) < 1e-5);
        }
    }

    @Test
    void evalOnImagenetResizesThenCentreCrops() {
        FloatImage src = TestImages.random(300, 400, 3, 2);
        FloatImage ref = Functional.crop(Functional.resize(src, 256, 341), 16, 58, 224, 224);
        float[] expected = new float[3 * 224 * 224];
        Functional.normalizeToChw(ref, Normalization.IMAGENET, expected, 0);
        // exact: the pipeline runs these same Java functions (Resize -> resize, CenterCrop -> crop, normalizeToChw)
        assertArrayEquals(expected, Presets.eval(Presets.Target.IMAGENET).apply(src, new SplittableRandom(0)));
    }

    @Test
    void cifarNormalisationMatchesTheData() throws IOException {
        // CIFAR-10 binary: records of 1 label byte + 1024 R + 1024 G + 1024 B bytes
        Path bin = TestImages.shared().resolve("datasets/cifar10-bin-subset/data_batch_1_first4000.bin");
        Assumptions.assumeTrue(Files.exists(bin), "no " + bin);
        byte[] b = Files.readAllBytes(bin);
        int records = b.length / 3073;
        double[] sum = new double[3], sq = new double[3];
        for (int r = 0; r < records; r++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 1024; p++) {
                    double v = (b[r * 3073 + 1 + c * 1024 + p] & 0xFF) / 255.0;
                    sum[c] += v;
                    sq[c] += v * v;
                }
            }
        }
        double n = records * 1024.0;
        float[] mean = Normalization.CIFAR10.mean(), std = Normalization.CIFAR10.std();
        for (int c = 0; c < 3; c++) {
            double m = sum[c] / n, s = Math.sqrt(sq[c] / n - m * m);
            // 4000 of the 50000 training images: sampling error well below 0.01
            assertEquals(mean[c], m, 0.01, "mean of channel " + c);
            assertEquals(std[c], s, 0.01, "std of channel " + c);
        }
    }

    @Test
    void viewPipelineRejectsMismatchedGeometry() {
        ViewPipeline v = io.sslbench.core.testing.Views.symmetric(Presets.Target.CIFAR).get(0);
        assertThrows(IllegalArgumentException.class, () -> v.checkInput(32, 32, 1));
        ViewPipeline wrong = new ViewPipeline(List.of(new CenterCrop(24)), 32, Normalization.CIFAR10);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> wrong.checkInput(32, 32, 3))
                .getMessage().contains("24x24"));
        assertThrows(IllegalStateException.class,
                () -> wrong.apply(TestImages.random(32, 32, 3, 3), new SplittableRandom(1)));
    }
}
