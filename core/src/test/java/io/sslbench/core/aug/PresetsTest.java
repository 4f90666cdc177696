package io.sslbench.core.aug;

import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.Tensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each paper's pipeline, checked field by field against the values quoted from the papers/official code. */
class PresetsTest {

    private static <T> T op(ViewPipeline v, Class<T> type) {
        return v.ops().stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError(type.getSimpleName() + " missing in " + v));
    }

    private static boolean has(ViewPipeline v, Class<?> type) {
        return v.ops().stream().anyMatch(type::isInstance);
    }

    /** @return the RandomApply wrapping an op of {@code inner} type, if any */
    private static RandomApply<?> applied(ViewPipeline v, Class<?> inner) {
        return v.ops().stream().filter(o -> o instanceof RandomApply<?> ra && inner.isInstance(ra.op()))
                .map(o -> (RandomApply<?>) o).findFirst().orElse(null);
    }

    private static void assertJitter(ColorJitter cj, double b, double c, double s, double h) {
        assertEquals(ColorJitter.of(b, c, s, h), cj);
    }

    @Test
    void simclr() {
        List<ViewPipeline> cifar = Presets.simclr(Presets.Target.CIFAR);
        assertEquals(2, cifar.size());
        assertEquals(cifar.get(0), cifar.get(1));
        ViewPipeline v = cifar.get(0);
        assertEquals(new RandomResizedCrop(32, 0.08, 1.0, 0.75, 4.0 / 3), v.ops().get(0));
        assertEquals(new RandomHorizontalFlip(0.5), op(v, RandomHorizontalFlip.class));
        RandomApply<?> cj = applied(v, ColorJitter.class);
        assertEquals(0.8, cj.p());
        assertJitter((ColorJitter) cj.op(), 0.4, 0.4, 0.4, 0.1); // strength 0.5
        assertEquals(new RandomGrayscale(0.2), op(v, RandomGrayscale.class));
        assertEquals(null, applied(v, GaussianBlur.class), "no blur on CIFAR");
        assertEquals(Normalization.CIFAR10, v.normalization());

        ViewPipeline in = Presets.simclr(Presets.Target.IMAGENET).get(0);
        assertEquals(224, in.outputSize());
        assertJitter((ColorJitter) applied(in, ColorJitter.class).op(), 0.8, 0.8, 0.8, 0.2);
        RandomApply<?> blur = applied(in, GaussianBlur.class);
        assertEquals(0.5, blur.p());
        assertEquals(new GaussianBlur(23, 0.1, 2.0), blur.op());
        assertEquals(Normalization.IMAGENET, in.normalization());
    }

    @ParameterizedTest
    @EnumSource(Presets.Target.class)
    void mocoV1(Presets.Target t) {
        ViewPipeline v = Presets.mocoV1(t).get(0);
        assertEquals(RandomResizedCrop.of(t.size(), 0.2, 1.0), v.ops().get(0));
        assertEquals(new RandomGrayscale(0.2), v.ops().get(1));
        assertJitter((ColorJitter) v.ops().get(2), 0.4, 0.4, 0.4, 0.4); // always applied, hue 0.4
        assertEquals(new RandomHorizontalFlip(0.5), v.ops().get(3));
        assertEquals(4, v.ops().size());
    }

    @ParameterizedTest
    @EnumSource(Presets.Target.class)
    void mocoV2AndSimSiamAreTheSame(Presets.Target t) {
        ViewPipeline v = Presets.mocoV2(t).get(0);
        assertEquals(v, Presets.simsiam(t).get(0));
        assertEquals(RandomResizedCrop.of(t.size(), 0.2, 1.0), v.ops().get(0));
        RandomApply<?> cj = applied(v, ColorJitter.class);
        assertEquals(0.8, cj.p());
        assertJitter((ColorJitter) cj.op(), 0.4, 0.4, 0.4, 0.1);
        assertEquals(new RandomGrayscale(0.2), op(v, RandomGrayscale.class));
        RandomApply<?> blur = applied(v, GaussianBlur.class);
        if (t == Presets.Target.IMAGENET) {
            assertEquals(0.5, blur.p());
        } else {
            assertEquals(null, blur);
        }
        assertEquals(new RandomHorizontalFlip(0.5), v.ops().get(v.ops().size() - 1));
    }

    @Test
    void byolIsAsymmetric() {
        List<ViewPipeline> in = Presets.byol(Presets.Target.IMAGENET);
        assertNotEquals(in.get(0), in.get(1));
        for (ViewPipeline v : in) {
            assertEquals(RandomResizedCrop.of(224, 0.08, 1.0), v.ops().get(0));
            assertJitter((ColorJitter) applied(v, ColorJitter.class).op(), 0.4, 0.4, 0.2, 0.1);
            assertEquals(0.8, applied(v, ColorJitter.class).p());
        }
        assertEquals(1.0, applied(in.get(0), GaussianBlur.class).p());
        assertEquals(0.1, applied(in.get(1), GaussianBlur.class).p());
        assertEquals(null, applied(in.get(0), Solarize.class), "solarisation p = 0 on view 1");
        assertEquals(0.2, applied(in.get(1), Solarize.class).p());
        assertEquals(Solarize.standard(), applied(in.get(1), Solarize.class).op());

        List<ViewPipeline> cifar = Presets.byol(Presets.Target.CIFAR);
        assertEquals(null, applied(cifar.get(0), GaussianBlur.class));
        assertEquals(null, applied(cifar.get(1), GaussianBlur.class));
        assertEquals(0.2, applied(cifar.get(1), Solarize.class).p());
    }

    @Test
    void swavMultiCrop() {
        List<ViewPipeline> in = Presets.swav(Presets.Target.IMAGENET, 6);
        assertArrayEquals(new int[]{224, 224, 96, 96, 96, 96, 96, 96},
                in.stream().mapToInt(ViewPipeline::outputSize).toArray());
        assertEquals(RandomResizedCrop.of(224, 0.14, 1.0), in.get(0).ops().get(0));
        assertEquals(RandomResizedCrop.of(96, 0.05, 0.14), in.get(2).ops().get(0));
        assertEquals(new GaussianBlur(23, 0.1, 2.0), applied(in.get(5), GaussianBlur.class).op());
        assertJitter((ColorJitter) applied(in.get(0), ColorJitter.class).op(), 0.8, 0.8, 0.8, 0.2);

        List<ViewPipeline> cifar = Presets.swav(Presets.Target.CIFAR, 4);
        assertArrayEquals(new int[]{32, 32, 16, 16, 16, 16}, cifar.stream().mapToInt(ViewPipeline::outputSize).toArray());
        assertEquals(RandomResizedCrop.of(32, 0.14, 1.0), cifar.get(1).ops().get(0));
        assertEquals(RandomResizedCrop.of(16, 0.05, 0.14), cifar.get(3).ops().get(0));
        assertEquals(null, applied(cifar.get(0), GaussianBlur.class));
        assertEquals(18, Presets.swav(Presets.Target.CIFAR, 2, 18).get(2).outputSize());
        assertEquals(2, Presets.swav(Presets.Target.CIFAR, 0).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"simclr", "moco-v1", "moco-v2", "byol", "simsiam", "swav"})
    void everyPresetRunsOnCifarAndImagenetSizedImages(String method) {
        for (Presets.Target t : Presets.Target.values()) {
            int side = t == Presets.Target.CIFAR ? 32 : 256;
            FloatImage src = TestImages.random(side, side + (t == Presets.Target.CIFAR ? 0 : 40), 3, 1);
            FloatImage before = src.copy();
            List<ViewPipeline> views = Presets.forMethod(method, t);
            for (int v = 0; v < views.size(); v++) {
                ViewPipeline vp = views.get(v);
                vp.checkInput(src.height(), src.width(), 3);
                float[] out = vp.apply(src, new SplittableRandom(v));
                assertEquals(3 * vp.outputSize() * vp.outputSize(), out.length);
                for (float x : out) {
                    assertTrue(Float.isFinite(x));
                }
            }
            assertEquals(before, src, "source image must not be modified by " + method);
        }
        assertThrows(IllegalArgumentException.class, () -> Presets.forMethod("dino", Presets.Target.CIFAR));
    }

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
        ViewPipeline v = Presets.simclr(Presets.Target.CIFAR).get(0);
        assertThrows(IllegalArgumentException.class, () -> v.checkInput(32, 32, 1));
        ViewPipeline wrong = new ViewPipeline(List.of(new CenterCrop(24)), 32, Normalization.CIFAR10);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> wrong.checkInput(32, 32, 3))
                .getMessage().contains("24x24"));
        assertThrows(IllegalStateException.class,
                () -> wrong.apply(TestImages.random(32, 32, 3, 3), new SplittableRandom(1)));
    }
}
