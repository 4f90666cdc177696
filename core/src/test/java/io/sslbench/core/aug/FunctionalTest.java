package io.sslbench.core.aug;

import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.Color;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Functional forms against values computed by hand from torchvision's definitions
 * ({@code torchvision/transforms/functional_tensor.py}) and PIL's resampling ({@code Resample.c}).
 */
class FunctionalTest {
    /** the brief's tolerance: one uint8 step */
    private static final double STEP = 1.0 / 255;

    private static double gray(double r, double g, double b) {
        return 0.299 * r + 0.587 * g + 0.114 * b;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.35, 1.0, 1.6, 2.5})
    void brightnessScalesAndClamps(double f) {
        FloatImage img = TestImages.random(7, 5, 3, 1);
        FloatImage before = img.copy();
        FloatImage out = Functional.adjustBrightness(img, f);
        assertEquals(before, img, "input must not be modified");
        for (int k = 0; k < img.data().length; k++) {
            assertEquals(clamp(f * img.data()[k]), out.data()[k], 1e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.4, 1.0, 1.8})
    void contrastBlendsWithGrayscaleMean(double f) {
        FloatImage img = TestImages.random(6, 9, 3, 2);
        double mean = 0;
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 9; x++) {
                mean += gray(img.get(y, x, 0), img.get(y, x, 1), img.get(y, x, 2));
            }
        }
        mean /= 54;
        FloatImage out = Functional.adjustContrast(img, f);
        for (int k = 0; k < img.data().length; k++) {
            assertEquals(clamp(f * img.data()[k] + (1 - f) * mean), out.data()[k], 1e-6);
        }
        if (f == 0.0) {
            for (float v : out.data()) {
                assertEquals(mean, v, 1e-6, "factor 0 gives the solid grey mean");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5, 1.0, 1.7})
    void saturationBlendsWithPerPixelGray(double f) {
        FloatImage img = TestImages.random(5, 5, 3, 3);
        FloatImage out = Functional.adjustSaturation(img, f);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                double g = gray(img.get(y, x, 0), img.get(y, x, 1), img.get(y, x, 2));
                for (int c = 0; c < 3; c++) {
                    assertEquals(clamp(f * img.get(y, x, c) + (1 - f) * g), out.get(y, x, c), 1e-6);
                }
            }
        }
    }

    @Test
    void grayscaleUsesItuWeightsAndKeepsThreeChannels() {
        FloatImage img = TestImages.random(4, 6, 3, 4);
        FloatImage out = Functional.rgbToGrayscale(img);
        assertEquals(3, out.channels());
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                double g = gray(img.get(y, x, 0), img.get(y, x, 1), img.get(y, x, 2));
                for (int c = 0; c < 3; c++) {
                    assertEquals(g, out.get(y, x, c), 1e-6);
                }
            }
        }
        // pure primaries give the weights themselves
        FloatImage red = new FloatImage(1, 3, 3, new float[]{1, 0, 0, 0, 1, 0, 0, 0, 1});
        FloatImage g = Functional.rgbToGrayscale(red);
        assertEquals(0.299, g.get(0, 0, 0), 1e-7);
        assertEquals(0.587, g.get(0, 1, 1), 1e-7);
        assertEquals(0.114, g.get(0, 2, 2), 1e-7);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.5, -0.31, -0.1, 0.0, 0.05, 0.2, 0.4, 0.5})
    void hueMatchesAnIndependentHsvRoundTrip(double f) {
        // reference: java.awt.Color's HSB (= HSV) conversion on the uint8 pixels, hue shifted mod 1
        FloatImage img = TestImages.random(16, 16, 3, 5);
        FloatImage out = Functional.adjustHue(img, f);
        double worst = 0;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int r = Math.round(img.get(y, x, 0) * 255), g = Math.round(img.get(y, x, 1) * 255);
                int b = Math.round(img.get(y, x, 2) * 255);
                float[] hsv = Color.RGBtoHSB(r, g, b, null);
                double h = hsv[0] + f;
                h -= Math.floor(h);
                int rgb = Color.HSBtoRGB((float) h, hsv[1], hsv[2]);
                int[] ref = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
                for (int c = 0; c < 3; c++) {
                    worst = Math.max(worst, Math.abs(ref[c] / 255.0 - out.get(y, x, c)));
                }
            }
        }
        // HSBtoRGB rounds to uint8: one step plus float slack
        assertTrue(worst <= STEP + 1e-4, "worst hue deviation " + worst);
    }

    @Test
    void hueByHand() {
        FloatImage px = new FloatImage(1, 3, 3, new float[]{1, 0, 0, 0.5f, 0.5f, 0.5f, 0.2f, 0.6f, 0.4f});
        FloatImage third = Functional.adjustHue(px, 1.0 / 3);
        assertArrayEquals(new float[]{0, 1, 0}, new float[]{third.get(0, 0, 0), third.get(0, 0, 1), third.get(0, 0, 2)}, 1e-6f,
                "red + 1/3 turn = green");
        assertArrayEquals(new float[]{0.5f, 0.5f, 0.5f},
                new float[]{third.get(0, 1, 0), third.get(0, 1, 1), third.get(0, 1, 2)}, 1e-7f, "grey has no hue");
        FloatImage half = Functional.adjustHue(px, 0.5);
        assertArrayEquals(new float[]{0, 1, 1}, new float[]{half.get(0, 0, 0), half.get(0, 0, 1), half.get(0, 0, 2)}, 1e-6f,
                "red + half turn = cyan");
        // (0.2, 0.6, 0.4): v = 0.6, s = 2/3, h = (2 + (0.6-0.2)/0.4*... ) computed by hand:
        // max = g, rc = (0.6-0.2)/0.4 = 1, bc = (0.6-0.4)/0.4 = 0.5, h = (2 + 1 - 0.5)/6 = 5/12.
        // + 1/3 -> 9/12 = 0.75: i = 4, f = 0.5, p = 0.2, t = v(1 - s(1-f)) = 0.4 -> (t, p, v) = (0.4, 0.2, 0.6)
        assertArrayEquals(new float[]{0.4f, 0.2f, 0.6f},
                new float[]{third.get(0, 2, 0), third.get(0, 2, 1), third.get(0, 2, 2)}, 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Functional.adjustHue(px, 0.6));
    }

    @Test
    void solarizeInvertsAtOrAboveThreshold() {
        float t = 128f / 255f;
        FloatImage img = new FloatImage(1, 4, 1, new float[]{0f, 127f / 255f, t, 1f});
        FloatImage out = Functional.solarize(img, Solarize.DEFAULT_THRESHOLD);
        assertArrayEquals(new float[]{0f, 127f / 255f, 1f - t, 0f}, out.data(), 1e-7f);
    }

    @Test
    void hflipMirrorsColumns() {
        FloatImage img = TestImages.random(3, 5, 3, 6);
        FloatImage out = Functional.hflip(img);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(img.get(y, 4 - x, c), out.get(y, x, c));
                }
            }
        }
        assertEquals(img, Functional.hflip(out));
    }

    // ---------------------------------------------------------------- resampling

    @Test
    void halvingIsThePil1331Filter() {
        // PIL bilinear, 8 -> 4: scale 2, support 2; interior outputs read 4 taps with weights (1,3,3,1)/8;
        // output 0 reads pixels 0..2 (xmin clipped at 0) with triangle weights 0.75, 0.75, 0.25 / 1.75.
        ResizeWeights w = ResizeWeights.of(8, 4);
        assertEquals(0, w.start(0));
        assertEquals(3, w.length(0));
        assertEquals(0.75 / 1.75, w.weight(0, 0), 1e-7);
        assertEquals(0.75 / 1.75, w.weight(0, 1), 1e-7);
        assertEquals(0.25 / 1.75, w.weight(0, 2), 1e-7);
        for (int o = 1; o < 3; o++) {
            assertEquals(2 * o - 1, w.start(o));
            assertEquals(4, w.length(o));
            assertEquals(1 / 8.0, w.weight(o, 0), 1e-7);
            assertEquals(3 / 8.0, w.weight(o, 1), 1e-7);
            assertEquals(3 / 8.0, w.weight(o, 2), 1e-7);
            assertEquals(1 / 8.0, w.weight(o, 3), 1e-7);
        }
        FloatImage row = TestImages.random(1, 8, 1, 7);
        FloatImage out = Functional.resize(row, 1, 4);
        float[] v = row.data();
        assertEquals((v[1] + 3 * v[2] + 3 * v[3] + v[4]) / 8.0, out.data()[1], 1e-6);
        assertEquals((0.75 * v[0] + 0.75 * v[1] + 0.25 * v[2]) / 1.75, out.data()[0], 1e-6);
    }

    @Test
    void doublingIsHalfPixelBilinearWithClampedEdges() {
        FloatImage row = TestImages.random(1, 6, 1, 8);
        float[] v = row.data();
        float[] o = Functional.resize(row, 1, 12).data();
        assertEquals(v[0], o[0], 1e-7);
        assertEquals(v[5], o[11], 1e-7);
        for (int k = 0; k < 5; k++) {
            assertEquals(0.75 * v[k] + 0.25 * v[k + 1], o[2 * k + 1], 1e-6);
            assertEquals(0.25 * v[k] + 0.75 * v[k + 1], o[2 * k + 2], 1e-6);
        }
    }

    @ParameterizedTest
    @CsvSource({"32,13", "7,3", "10,32", "31,32", "224,96", "5,5", "1,4", "4,1"})
    void weightsAreTheNormalisedWidenedTriangle(int in, int out) {
        // definition: w_o(x) = tri((x + 0.5 - c_o) / fs) / sum_x tri(...), c_o = (o + 0.5) in/out, fs = max(in/out, 1)
        ResizeWeights w = ResizeWeights.of(in, out);
        double scale = (double) in / out, fs = Math.max(scale, 1);
        for (int o = 0; o < out; o++) {
            double c = (o + 0.5) * scale;
            double[] ref = new double[in];
            double sum = 0;
            for (int x = 0; x < in; x++) {
                ref[x] = Math.max(0, 1 - Math.abs((x + 0.5 - c) / fs));
                sum += ref[x];
            }
            double total = 0;
            for (int x = 0; x < in; x++) {
                int k = x - w.start(o);
                double got = k >= 0 && k < w.length(o) ? w.weight(o, k) : 0;
                assertEquals(ref[x] / sum, got, 1e-6, "in=" + in + " out=" + out + " o=" + o + " x=" + x);
                total += got;
            }
            assertEquals(1.0, total, 1e-5);
        }
    }

    @Test
    void resizedCropEqualsCropThenResizeAndNeverReadsOutsideTheBox() {
        FloatImage img = TestImages.random(20, 24, 3, 9);
        FloatImage a = Functional.resizedCrop(img, 3, 5, 11, 14, 32, 32);
        FloatImage b = Functional.resize(Functional.crop(img, 3, 5, 11, 14), 32, 32);
        // exact: resize is resizedCrop of the whole image, so both run the same weights and the same sums in the
        // same order on the same pixels, in pure Java float arithmetic (no BLAS, no FMA contraction)
        assertArrayEquals(b.data(), a.data());
        // changing pixels outside the box changes nothing
        FloatImage poked = img.copy();
        for (int x = 0; x < 24; x++) {
            for (int c = 0; c < 3; c++) {
                poked.data()[(2 * 24 + x) * 3 + c] = 0.123f;
                poked.data()[(14 * 24 + x) * 3 + c] = 0.456f;
            }
        }
        assertArrayEquals(a.data(), Functional.resizedCrop(poked, 3, 5, 11, 14, 32, 32).data());
    }

    @Test
    void resizeKeepsConstantsAndIdentity() {
        FloatImage img = TestImages.random(9, 11, 3, 10);
        // exact: at equal size the weights are 1 for the pixel itself and 0 for its neighbours, so each sum is v
        assertArrayEquals(img.data(), Functional.resize(img, 9, 11).data(), "same size is the identity");
        FloatImage flat = new FloatImage(9, 11, 3, new float[9 * 11 * 3]);
        java.util.Arrays.fill(flat.data(), 0.37f);
        for (float v : Functional.resize(flat, 4, 17).data()) {
            assertEquals(0.37f, v, 1e-6f);
        }
    }

    // ---------------------------------------------------------------- blur

    @Test
    void gaussianKernelByHand() {
        float[] k = Functional.gaussianKernel1d(3, 1.0);
        double e = Math.exp(-0.5), s = 1 + 2 * e;
        assertArrayEquals(new float[]{(float) (e / s), (float) (1 / s), (float) (e / s)}, k, 1e-7f);
        float[] k5 = Functional.gaussianKernel1d(5, 0.5);
        double a = Math.exp(-2), b = Math.exp(-8), s5 = 1 + 2 * a + 2 * b;
        assertArrayEquals(new float[]{(float) (b / s5), (float) (a / s5), (float) (1 / s5), (float) (a / s5),
                (float) (b / s5)}, k5, 1e-7f);
    }

    @ParameterizedTest
    @CsvSource({"3,0.7", "5,1.3", "9,2.0", "23,1.1"})
    void blurMatchesDirect2dConvolutionOfTheReflectPaddedImage(int k, double sigma) {
        int h = 12, w = 15;
        FloatImage img = TestImages.random(h, w, 3, 11);
        FloatImage out = Functional.gaussianBlur(img, k, sigma);
        int half = k / 2;
        double[] k1 = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            double x = -(k - 1) / 2.0 + i;
            k1[i] = Math.exp(-x * x / (2 * sigma * sigma));
            sum += k1[i];
        }
        double worst = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double acc = 0;
                    for (int dy = -half; dy <= half; dy++) {
                        for (int dx = -half; dx <= half; dx++) {
                            int sy = mirror(y + dy, h), sx = mirror(x + dx, w);
                            acc += k1[dy + half] * k1[dx + half] / (sum * sum) * img.get(sy, sx, c);
                        }
                    }
                    worst = Math.max(worst, Math.abs(acc - out.get(y, x, c)));
                }
            }
        }
        assertTrue(worst < 1e-5, "worst blur deviation " + worst);
    }

    /** torch.nn.functional.pad(mode="reflect") index, written out: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ... */
    private static int mirror(int i, int n) {
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        return i;
    }

    @Test
    void blurKeepsConstantImages() {
        FloatImage flat = new FloatImage(5, 5, 3, new float[75]);
        java.util.Arrays.fill(flat.data(), 0.6f);
        for (float v : Functional.gaussianBlur(flat, 23, 1.7).data()) {
            assertEquals(0.6f, v, 1e-6f);
        }
    }

    // ---------------------------------------------------------------- normalisation

    @Test
    void normalizeToChwMatchesTensorsToNchw() {
        ImageDataset ds = TestImages.randomDataset(3, 8, 6, 12);
        Normalization n = Normalization.CIFAR10;
        float[] ours = new float[3 * 8 * 6];
        Functional.normalizeToChw(FloatImage.fromDataset(ds, 2), n, ours, 0);
        float[] ref = Tensors.toNchw(ds, new int[]{2}, n.mean(), n.std()).data().asFloat();
        assertTrue(TestImages.maxAbsDiff(ours, ref) < 1e-5);
        assertThrows(IllegalArgumentException.class,
                () -> Functional.normalizeToChw(FloatImage.fromDataset(ds, 0), n, new float[10], 0));
    }

    @Test
    void badArgumentsAreRejectedWithTheirName() {
        FloatImage img = TestImages.random(4, 4, 3, 13);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Functional.adjustBrightness(img, -1))
                .getMessage().contains("brightness"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Functional.crop(img, 2, 2, 3, 1))
                .getMessage().contains("crop box"));
        assertThrows(IllegalArgumentException.class, () -> Functional.gaussianKernel1d(4, 1));
    }
}
