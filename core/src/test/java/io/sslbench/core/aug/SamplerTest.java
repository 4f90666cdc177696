package io.sslbench.core.aug;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter samplers: ranges, fallbacks and distributions as torchvision's {@code get_params} define them. */
class SamplerTest {
    private static final int N = 20_000;

    @Test
    void randomResizedCropBoxesRespectAreaAndRatioBounds() {
        RandomResizedCrop op = RandomResizedCrop.of(224, 0.08, 1.0);
        SplittableRandom rng = new SplittableRandom(1);
        int fallbacks = 0;
        for (int n = 0; n < N; n++) {
            RandomResizedCrop.Box b = op.sample(rng, 224, 224);
            assertTrue(b.top() >= 0 && b.left() >= 0 && b.height() > 0 && b.width() > 0
                    && b.top() + b.height() <= 224 && b.left() + b.width() <= 224, b.toString());
            if (b.fallback()) {
                fallbacks++;
                continue;
            }
            double area = (double) b.height() * b.width() / (224 * 224);
            double ratio = (double) b.width() / b.height();
            // w and h are rounded from sqrt(A*r), sqrt(A/r) >= 63 px: at most ~1.6% relative error each
            assertTrue(area >= 0.08 * 0.97 && area <= 1.0, "area fraction " + area);
            assertTrue(ratio >= 0.75 * 0.97 && ratio <= 4.0 / 3 * 1.03, "ratio " + ratio);
        }
        // a fallback needs 10 straight rejections; rejection only happens for large areas with skewed ratios
        assertTrue(fallbacks < N / 100, "fallbacks " + fallbacks);
    }

    @Test
    void randomResizedCropAreaAndLogRatioAreUniformWhenNothingIsRejected() {
        // scale (0.08, 0.5) never exceeds a 224 side (sqrt(0.5 * 4/3) < 1), so draws are exactly U(scale), U(log ratio)
        RandomResizedCrop op = RandomResizedCrop.of(224, 0.08, 0.5);
        SplittableRandom rng = new SplittableRandom(2);
        int[] areaBins = new int[4];
        int[] logRatioBins = new int[4];
        double lo = Math.log(0.75), hi = Math.log(4.0 / 3);
        double topFrac = 0;
        int topCount = 0;
        for (int n = 0; n < N; n++) {
            RandomResizedCrop.Box b = op.sample(rng, 224, 224);
            assertFalse(b.fallback());
            double area = (double) b.height() * b.width() / (224 * 224);
            areaBins[Math.min(3, Math.max(0, (int) ((area - 0.08) / 0.42 * 4)))]++;
            double lr = Math.log((double) b.width() / b.height());
            logRatioBins[Math.min(3, Math.max(0, (int) ((lr - lo) / (hi - lo) * 4)))]++;
            if (224 - b.height() > 0) {
                topFrac += (double) b.top() / (224 - b.height());
                topCount++;
            }
        }
        for (int k = 0; k < 4; k++) {
            // binomial sd of a quarter of 20000 is 61; rounding moves a few draws between bins
            assertEquals(N / 4.0, areaBins[k], 400, "area bin " + k);
            assertEquals(N / 4.0, logRatioBins[k], 400, "log-ratio bin " + k);
        }
        assertEquals(0.5, topFrac / topCount, 0.01, "top offset is uniform over the free rows");
    }

    @Test
    void randomResizedCropFallsBackToTheRatioClippedCentreCrop() {
        // an area of 2-3 times the image can never fit: all 10 attempts fail
        RandomResizedCrop op = RandomResizedCrop.of(32, 2.0, 3.0);
        SplittableRandom rng = new SplittableRandom(3);
        assertEquals(new RandomResizedCrop.Box(0, 0, 100, 100, true), op.sample(rng, 100, 100));
        // W/H = 2.5 > 4/3: h = H = 40, w = round(40 * 4/3) = 53, left = (100 - 53) // 2 = 23
        assertEquals(new RandomResizedCrop.Box(0, 23, 40, 53, true), op.sample(rng, 40, 100));
        // W/H = 0.4 < 3/4: w = W = 40, h = round(40 / 0.75) = 53, top = 23
        assertEquals(new RandomResizedCrop.Box(23, 0, 53, 40, true), op.sample(rng, 100, 40));
        FloatImage out = op.randomApply(TestImages.random(40, 100, 3, 4), rng);
        assertEquals(32, out.height());
        assertEquals(32, out.width());
    }

    @Test
    void randomResizedCropAppliesTheSampledBox() {
        RandomResizedCrop op = RandomResizedCrop.of(16, 0.2, 1.0);
        FloatImage img = TestImages.random(30, 40, 3, 5);
        RandomResizedCrop.Box b = op.sample(new SplittableRandom(6), 30, 40);
        FloatImage out = op.apply(img, b);
        // exact: apply is Functional.resizedCrop, the same Java code as crop + resize (see FunctionalTest)
        assertArrayEquals(Functional.resize(Functional.crop(img, b.top(), b.left(), b.height(), b.width()), 16, 16).data(),
                out.data());
    }

    @Test
    void flipGrayscaleAndRandomApplyHitTheirRates() {
        SplittableRandom rng = new SplittableRandom(7);
        RandomHorizontalFlip flip = new RandomHorizontalFlip(0.5);
        RandomGrayscale gray = new RandomGrayscale(0.2);
        RandomApply<Void> sol = new RandomApply<>(0.8, Solarize.standard());
        int f = 0, g = 0, s = 0;
        for (int n = 0; n < N; n++) {
            f += flip.sample(rng, 8, 8) ? 1 : 0;
            g += gray.sample(rng, 8, 8) ? 1 : 0;
            s += sol.sample(rng, 8, 8).applied() ? 1 : 0;
        }
        // 4.5 binomial standard deviations
        assertEquals(0.5, f / (double) N, 4.5 * Math.sqrt(0.25 / N));
        assertEquals(0.2, g / (double) N, 4.5 * Math.sqrt(0.16 / N));
        assertEquals(0.8, s / (double) N, 4.5 * Math.sqrt(0.16 / N));
        assertFalse(new RandomHorizontalFlip(0).sample(rng, 1, 1));
        assertTrue(new RandomHorizontalFlip(1).sample(rng, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RandomGrayscale(1.5));
    }

    @Test
    void colorJitterFactorsFollowTorchvisionRangesAndOrdersAreUniform() {
        ColorJitter cj = ColorJitter.of(0.4, 0.4, 0.4, 0.1);
        assertEquals(0.6, cj.brightnessMin(), 1e-12);
        assertEquals(1.4, cj.brightnessMax(), 1e-12);
        assertEquals(-0.1, cj.hueMin(), 1e-12);
        SplittableRandom rng = new SplittableRandom(8);
        Map<String, Integer> orders = new HashMap<>();
        double bSum = 0, hSum = 0;
        int n = 24_000;
        for (int k = 0; k < n; k++) {
            ColorJitter.Factors f = cj.sample(rng, 8, 8);
            assertTrue(f.brightness() >= 0.6 && f.brightness() < 1.4);
            assertTrue(f.contrast() >= 0.6 && f.contrast() < 1.4);
            assertTrue(f.saturation() >= 0.6 && f.saturation() < 1.4);
            assertTrue(f.hue() >= -0.1 && f.hue() < 0.1);
            bSum += f.brightness();
            hSum += f.hue();
            orders.merge(java.util.Arrays.toString(f.order()), 1, Integer::sum);
        }
        assertEquals(24, orders.size(), "all 4! orders occur");
        for (int c : orders.values()) {
            assertEquals(1000, c, 130, "each order ~1/24 (sd 31)");
        }
        assertEquals(1.0, bSum / n, 0.01);
        assertEquals(0.0, hSum / n, 0.003);
        // strengths above 1 clip the lower bound at 0; zero strength disables the adjustment
        ColorJitter strong = ColorJitter.of(1.5, 0, 0, 0);
        assertEquals(0.0, strong.brightnessMin());
        ColorJitter.Factors f = strong.sample(rng, 1, 1);
        assertTrue(Double.isNaN(f.contrast()) && Double.isNaN(f.saturation()) && Double.isNaN(f.hue()));
        assertThrows(IllegalArgumentException.class, () -> ColorJitter.of(0.4, 0.4, 0.4, 0.6));
    }

    @Test
    void colorJitterAppliesTheFunctionalOpsInTheSampledOrder() {
        ColorJitter cj = ColorJitter.simclr(1.0);
        FloatImage img = TestImages.random(9, 9, 3, 9);
        SplittableRandom rng = new SplittableRandom(10);
        for (int rep = 0; rep < 20; rep++) {
            ColorJitter.Factors f = cj.sample(rng, 9, 9);
            FloatImage ref = img;
            for (int op : f.order()) {
                ref = switch (op) {
                    case 0 -> Functional.adjustBrightness(ref, f.brightness());
                    case 1 -> Functional.adjustContrast(ref, f.contrast());
                    case 2 -> Functional.adjustSaturation(ref, f.saturation());
                    default -> Functional.adjustHue(ref, f.hue());
                };
            }
            // exact: apply runs the same in-place Java kernels the adjust* functions wrap, in the same order
            assertArrayEquals(ref.data(), cj.apply(img.copy(), f).data());
        }
    }

    @Test
    void blurSigmaIsUniformAndKernelIsTenPercentOdd() {
        GaussianBlur blur = GaussianBlur.forImageSide(224);
        assertEquals(23, blur.kernelSize());
        assertEquals(9, GaussianBlur.forImageSide(96).kernelSize());
        assertEquals(3, GaussianBlur.forImageSide(32).kernelSize());
        SplittableRandom rng = new SplittableRandom(11);
        double sum = 0;
        for (int n = 0; n < N; n++) {
            double s = blur.sample(rng, 1, 1);
            assertTrue(s >= 0.1 && s < 2.0);
            sum += s;
        }
        // U(0.1, 2.0): mean 1.05, sd 0.548, standard error 0.0039
        assertEquals(1.05, sum / N, 0.02);
    }

    @Test
    void resizeAndCenterCropFollowTorchvisionGeometry() {
        // Resize(256) of 300x400: short side 256, long int(256 * 400 / 300) = 341
        assertArrayEquals(new int[]{256, 341}, new Resize(256).outputSize(300, 400));
        assertArrayEquals(new int[]{341, 256}, new Resize(256).outputSize(400, 300));
        FloatImage img = TestImages.random(32, 32, 3, 12);
        assertEquals(img, new Resize(32).apply(img, null), "already the right size: unchanged");
        // CenterCrop(224) of 256x341: top round(16) = 16, left round(58.5) = 58 (half-to-even)
        FloatImage big = TestImages.random(256, 341, 3, 13);
        assertArrayEquals(Functional.crop(big, 16, 58, 224, 224).data(), new CenterCrop(224).apply(big, null).data()); // a copy
    }
}
