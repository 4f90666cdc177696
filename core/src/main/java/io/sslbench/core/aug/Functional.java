package io.sslbench.core.aug;

import java.util.Arrays;

/**
 * Deterministic image operations with torchvision's semantics ({@code torchvision.transforms.functional}),
 * on float [0,1] HWC images. Every public method is pure: it returns a new image and leaves its input
 * unchanged. The random ops ({@link RandomResizedCrop}, {@link ColorJitter}, ...) sample parameters and
 * call the package-private in-place forms below, which compute exactly the same values.
 *
 * <p>Luma: {@code gray = 0.299 R + 0.587 G + 0.114 B} (ITU-R 601-2, PIL's {@code convert("L")}; the
 * tensor backend of torchvision writes 0.2989).
 *
 * <p>// DEVIATION: torchvision applies these ops to uint8 PIL images and rounds to uint8 after each op
 * (and PIL's hue shift quantises hue to 1/256, its contrast uses the mean rounded to an integer); we keep
 * float values between ops, i.e. we follow the exact real-valued definitions of torchvision's tensor
 * functional ops. Differences are at most a few 1/255 steps per pixel.
 */
public final class Functional {
    /** luma weights of R, G, B */
    public static final float GRAY_R = 0.299f;
    public static final float GRAY_G = 0.587f;
    public static final float GRAY_B = 0.114f;

    private Functional() {}

    // ------------------------------------------------------------------ geometry

    /**
     * Crops the box {@code [top, top+h) x [left, left+w)} (torchvision {@code F.crop}, box inside the image).
     *
     * @return a new h x w x C image
     */
    public static FloatImage crop(FloatImage img, int top, int left, int h, int w) {
        checkBox(img, top, left, h, w);
        int c = img.channels();
        float[] out = new float[h * w * c];
        float[] src = img.data();
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, ((top + y) * img.width() + left) * c, out, y * w * c, w * c);
        }
        return new FloatImage(h, w, c, out);
    }

    /**
     * PIL antialiased bilinear resize ({@code Image.resize((outW, outH), BILINEAR)}) with the
     * coefficients of {@link ResizeWeights}: separable, horizontal pass then vertical pass.
     *
     * @return a new outH x outW x C image
     */
    public static FloatImage resize(FloatImage img, int outH, int outW) {
        return resizedCrop(img, 0, 0, img.height(), img.width(), outH, outW);
    }

    /**
     * {@code F.resized_crop} on a PIL image: crop the box, then resize the crop with PIL bilinear. The
     * filter never reads outside the box (as after a real crop), so the crop is not materialised.
     *
     * @param top  box top row, {@code 0 <= top}, {@code top + h <= H}
     * @param left box left column, {@code 0 <= left}, {@code left + w <= W}
     * @return a new outH x outW x C image
     */
    public static FloatImage resizedCrop(FloatImage img, int top, int left, int h, int w, int outH, int outW) {
        checkBox(img, top, left, h, w);
        FloatImage out = FloatImage.zeros(outH, outW, img.channels());
        resizedCropInto(img, top, left, h, w, out, new float[h * outW * img.channels()]);
        return out;
    }

    /**
     * Resized crop into a preallocated image; {@code tmp} holds at least {@code h * out.width() * C} floats.
     */
    static void resizedCropInto(FloatImage img, int top, int left, int h, int w, FloatImage out, float[] tmp) {
        int c = img.channels();
        int outH = out.height(), outW = out.width();
        ResizeWeights wx = ResizeWeights.of(w, outW);
        ResizeWeights wy = ResizeWeights.of(h, outH);
        float[] src = img.data();
        int srcW = img.width();
        // horizontal pass: rows top..top+h-1 of the box -> tmp[h][outW][c]
        int[] xs = wx.starts(), xl = wx.lengths();
        float[] xw = wx.weights();
        int xStride = wx.stride();
        for (int y = 0; y < h; y++) {
            int rowBase = ((top + y) * srcW + left) * c;
            int tBase = y * outW * c;
            if (c == 3) {
                for (int o = 0; o < outW; o++) {
                    int s = rowBase + xs[o] * 3, kb = o * xStride, n = xl[o];
                    float r = 0, g = 0, b = 0;
                    for (int k = 0; k < n; k++, s += 3) {
                        float wk = xw[kb + k];
                        r += wk * src[s];
                        g += wk * src[s + 1];
                        b += wk * src[s + 2];
                    }
                    int t = tBase + o * 3;
                    tmp[t] = r;
                    tmp[t + 1] = g;
                    tmp[t + 2] = b;
                }
            } else {
                for (int o = 0; o < outW; o++) {
                    int s = rowBase + xs[o] * c, kb = o * xStride, n = xl[o];
                    for (int ch = 0; ch < c; ch++) {
                        float acc = 0;
                        for (int k = 0; k < n; k++) {
                            acc += xw[kb + k] * src[s + k * c + ch];
                        }
                        tmp[tBase + o * c + ch] = acc;
                    }
                }
            }
        }
        // vertical pass: tmp -> out
        int[] ys = wy.starts(), yl = wy.lengths();
        float[] yw = wy.weights();
        int yStride = wy.stride();
        float[] dst = out.data();
        int rowLen = outW * c;
        for (int o = 0; o < outH; o++) {
            int d = o * rowLen, kb = o * yStride, n = yl[o], r0 = ys[o];
            Arrays.fill(dst, d, d + rowLen, 0f);
            for (int k = 0; k < n; k++) {
                float wk = yw[kb + k];
                int t = (r0 + k) * rowLen;
                for (int j = 0; j < rowLen; j++) {
                    dst[d + j] += wk * tmp[t + j];
                }
            }
        }
    }

    /** @return the image mirrored left-right ({@code F.hflip}) */
    public static FloatImage hflip(FloatImage img) {
        FloatImage out = img.copy();
        hflipInPlace(out);
        return out;
    }

    static void hflipInPlace(FloatImage img) {
        int w = img.width(), c = img.channels();
        float[] d = img.data();
        for (int y = 0; y < img.height(); y++) {
            int row = y * w * c;
            for (int a = 0, b = w - 1; a < b; a++, b--) {
                int pa = row + a * c, pb = row + b * c;
                for (int ch = 0; ch < c; ch++) {
                    float t = d[pa + ch];
                    d[pa + ch] = d[pb + ch];
                    d[pb + ch] = t;
                }
            }
        }
    }

    // ------------------------------------------------------------------ colour

    /** {@code F.adjust_brightness}: {@code clamp(f * x, 0, 1)} (blend with black). */
    public static FloatImage adjustBrightness(FloatImage img, double factor) {
        FloatImage out = img.copy();
        brightnessInPlace(out, factor);
        return out;
    }

    static void brightnessInPlace(FloatImage img, double factor) {
        requireNonNegative("brightness factor", factor);
        float f = (float) factor;
        float[] d = img.data();
        for (int k = 0; k < d.length; k++) {
            d[k] = clamp01(f * d[k]);
        }
    }

    /**
     * {@code F.adjust_contrast}: {@code clamp(f * x + (1 - f) * m, 0, 1)} where {@code m} is the mean of
     * the grayscale image over all pixels (of the single channel for C = 1).
     */
    public static FloatImage adjustContrast(FloatImage img, double factor) {
        FloatImage out = img.copy();
        contrastInPlace(out, factor);
        return out;
    }

    static void contrastInPlace(FloatImage img, double factor) {
        requireNonNegative("contrast factor", factor);
        float[] d = img.data();
        double sum = 0;
        if (img.channels() == 3) {
            for (int k = 0; k < d.length; k += 3) {
                sum += GRAY_R * d[k] + GRAY_G * d[k + 1] + GRAY_B * d[k + 2];
            }
        } else {
            for (float v : d) {
                sum += v;
            }
        }
        double mean = sum / (img.height() * img.width());
        blendInPlace(d, (float) factor, (float) ((1 - factor) * mean));
    }

    /**
     * {@code F.adjust_saturation}: {@code clamp(f * x + (1 - f) * gray(x), 0, 1)} per pixel; a no-op on
     * 1-channel images.
     */
    public static FloatImage adjustSaturation(FloatImage img, double factor) {
        FloatImage out = img.copy();
        saturationInPlace(out, factor);
        return out;
    }

    static void saturationInPlace(FloatImage img, double factor) {
        requireNonNegative("saturation factor", factor);
        if (img.channels() == 1) {
            return;
        }
        float f = (float) factor, g1 = 1f - f;
        float[] d = img.data();
        for (int k = 0; k < d.length; k += 3) {
            float gray = g1 * (GRAY_R * d[k] + GRAY_G * d[k + 1] + GRAY_B * d[k + 2]);
            d[k] = clamp01(f * d[k] + gray);
            d[k + 1] = clamp01(f * d[k + 1] + gray);
            d[k + 2] = clamp01(f * d[k + 2] + gray);
        }
    }

    /**
     * {@code F.adjust_hue}: RGB -> HSV (torchvision's {@code _rgb2hsv}), {@code h = (h + factor) mod 1},
     * HSV -> RGB ({@code _hsv2rgb}); a no-op on 1-channel images.
     *
     * @param factor hue shift in [-0.5, 0.5] (fractions of the colour wheel)
     */
    public static FloatImage adjustHue(FloatImage img, double factor) {
        FloatImage out = img.copy();
        hueInPlace(out, factor);
        return out;
    }

    /**
     * In-place hue shift. Same values as torchvision's {@code _rgb2hsv} / {@code _hsv2rgb} round trip,
     * written in a cheaper equivalent form: with {@code cr = max - min}, the hue in sixths of a turn is
     * {@code (g-b)/cr}, {@code 2 + (b-r)/cr} or {@code 4 + (r-g)/cr} (max channel r, g, b), and
     * {@code hsv2rgb} is {@code out_n = v - v*s*clamp(min(k_n, 4 - k_n), 0, 1)} with
     * {@code k_n = (n + 6h) mod 6}, n = 5, 3, 1 for R, G, B, and {@code v*s = cr}. Grey pixels
     * ({@code cr = 0}) are unchanged, as in torchvision.
     */
    static void hueInPlace(FloatImage img, double factor) {
        if (!(factor >= -0.5 && factor <= 0.5)) {
            throw new IllegalArgumentException("hue factor must be in [-0.5, 0.5], got " + factor);
        }
        if (img.channels() == 1) {
            return;
        }
        float shift6 = (float) (6 * factor);
        float[] d = img.data();
        for (int k = 0; k < d.length; k += 3) {
            float r = d[k], g = d[k + 1], b = d[k + 2];
            // plain comparisons: Math.max/min's NaN and -0.0 handling costs more here and [0,1] data has neither
            float mgb = g > b ? g : b, ngb = g < b ? g : b;
            float maxc = r > mgb ? r : mgb;
            float minc = r < ngb ? r : ngb;
            float cr = maxc - minc;
            if (cr == 0f) {
                continue;
            }
            float inv = 1f / cr;
            float h6;
            if (maxc == r) {
                h6 = (g - b) * inv;
            } else if (maxc == g) {
                h6 = 2f + (b - r) * inv;
            } else {
                h6 = 4f + (r - g) * inv;
            }
            // h6 in [-1, 5], shift6 in [-3, 3]: one wrap each way brings it into [0, 6)
            h6 += shift6;
            if (h6 < 0f) {
                h6 += 6f;
            }
            if (h6 >= 6f) {
                h6 -= 6f;
            }
            d[k] = maxc - cr * hsvRamp(5f + h6);
            d[k + 1] = maxc - cr * hsvRamp(3f + h6);
            d[k + 2] = maxc - cr * hsvRamp(1f + h6);
        }
    }

    /** {@code clamp(min(k, 4 - k), 0, 1)} for {@code k mod 6}, k in [0, 12) */
    private static float hsvRamp(float k) {
        if (k >= 6f) {
            k -= 6f;
        }
        float j = 4f - k;
        float m = k < j ? k : j;
        return m < 0f ? 0f : (m > 1f ? 1f : m);
    }

    /**
     * {@code F.rgb_to_grayscale(img, num_output_channels=C)}: every channel becomes
     * {@code 0.299 R + 0.587 G + 0.114 B}; the image keeps its channel count. Identity for C = 1.
     */
    public static FloatImage rgbToGrayscale(FloatImage img) {
        FloatImage out = img.copy();
        grayscaleInPlace(out);
        return out;
    }

    static void grayscaleInPlace(FloatImage img) {
        if (img.channels() == 1) {
            return;
        }
        float[] d = img.data();
        for (int k = 0; k < d.length; k += 3) {
            float gray = GRAY_R * d[k] + GRAY_G * d[k + 1] + GRAY_B * d[k + 2];
            d[k] = gray;
            d[k + 1] = gray;
            d[k + 2] = gray;
        }
    }

    /** {@code F.solarize}: {@code x >= threshold ? 1 - x : x} per sample (threshold in [0,1] units). */
    public static FloatImage solarize(FloatImage img, double threshold) {
        FloatImage out = img.copy();
        solarizeInPlace(out, threshold);
        return out;
    }

    static void solarizeInPlace(FloatImage img, double threshold) {
        float th = (float) threshold;
        float[] d = img.data();
        for (int k = 0; k < d.length; k++) {
            if (d[k] >= th) {
                d[k] = 1f - d[k];
            }
        }
    }

    // ------------------------------------------------------------------ blur

    /**
     * torchvision's {@code _get_gaussian_kernel1d}: {@code x = linspace(-(k-1)/2, (k-1)/2, k)},
     * {@code w = exp(-x^2 / (2 sigma^2))}, normalised to sum 1.
     *
     * @param kernelSize odd k >= 1
     * @param sigma      > 0
     */
    public static float[] gaussianKernel1d(int kernelSize, double sigma) {
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("kernel size must be odd and positive, got " + kernelSize);
        }
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("sigma must be > 0, got " + sigma);
        }
        double half = (kernelSize - 1) * 0.5;
        double[] w = new double[kernelSize];
        double sum = 0;
        for (int i = 0; i < kernelSize; i++) {
            double x = -half + i;
            w[i] = Math.exp(-0.5 * (x / sigma) * (x / sigma));
            sum += w[i];
        }
        float[] out = new float[kernelSize];
        for (int i = 0; i < kernelSize; i++) {
            out[i] = (float) (w[i] / sum);
        }
        return out;
    }

    /**
     * {@code F.gaussian_blur(img, [k, k], [sigma, sigma])}: pad by k/2 with "reflect" (mirror without
     * repeating the edge sample: index -1 reads 1, index n reads n-2), convolve with the separable
     * kernel of {@link #gaussianKernel1d}.
     *
     * <p>// DEVIATION: torch's reflect padding requires k/2 < side and raises otherwise; we keep
     * reflecting (period 2n-2) so small images (e.g. a 16px crop with a 23-tap kernel) are defined.
     */
    public static FloatImage gaussianBlur(FloatImage img, int kernelSize, double sigma) {
        FloatImage out = img.copy();
        gaussianBlurInPlace(out, gaussianKernel1d(kernelSize, sigma), new float[img.data().length]);
        return out;
    }

    /** @return torch "reflect" index of {@code i} in [0, n) */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * n - 2;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    static void gaussianBlurInPlace(FloatImage img, float[] kernel, float[] tmp) {
        int h = img.height(), w = img.width(), c = img.channels();
        int k = kernel.length, half = k / 2;
        float[] d = img.data();
        // horizontal: d -> tmp
        int[] xi = new int[w + 2 * half];
        for (int x = -half; x < w + half; x++) {
            xi[x + half] = reflect(x, w) * c;
        }
        for (int y = 0; y < h; y++) {
            int row = y * w * c;
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    float acc = 0;
                    for (int t = 0; t < k; t++) {
                        acc += kernel[t] * d[row + xi[x + t] + ch];
                    }
                    tmp[row + x * c + ch] = acc;
                }
            }
        }
        // vertical: tmp -> d
        int rowLen = w * c;
        int[] yi = new int[h + 2 * half];
        for (int y = -half; y < h + half; y++) {
            yi[y + half] = reflect(y, h) * rowLen;
        }
        for (int y = 0; y < h; y++) {
            int dst = y * rowLen;
            Arrays.fill(d, dst, dst + rowLen, 0f);
            for (int t = 0; t < k; t++) {
                float wt = kernel[t];
                int src = yi[y + t];
                for (int j = 0; j < rowLen; j++) {
                    d[dst + j] += wt * tmp[src + j];
                }
            }
        }
    }

    // ------------------------------------------------------------------ output

    /**
     * {@code Normalize(mean, std)(ToTensor(img))} written as CHW floats:
     * {@code dst[offset + (c*H + y)*W + x] = (img[y,x,c] - mean[c]) / std[c]}.
     *
     * @param dst    destination, at least {@code offset + C*H*W} long
     * @param offset first index written
     */
    public static void normalizeToChw(FloatImage img, Normalization norm, float[] dst, int offset) {
        int h = img.height(), w = img.width(), c = img.channels();
        if (norm.channels() != c) {
            throw new IllegalArgumentException("normalisation has " + norm.channels() + " channels, image " + img
                    + " has " + c);
        }
        if (offset < 0 || offset + h * w * c > dst.length) {
            throw new IllegalArgumentException("CHW output of " + h * w * c + " floats at offset " + offset
                    + " overruns a buffer of " + dst.length);
        }
        float[] d = img.data();
        int plane = h * w;
        for (int ch = 0; ch < c; ch++) {
            float inv = 1f / norm.stdAt(ch), m = norm.meanAt(ch);
            int o = offset + ch * plane;
            for (int p = 0, s = ch; p < plane; p++, s += c) {
                dst[o + p] = (d[s] - m) * inv;
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void blendInPlace(float[] d, float f, float add) {
        for (int k = 0; k < d.length; k++) {
            d[k] = clamp01(f * d[k] + add);
        }
    }

    static float clamp01(float v) {
        return v < 0f ? 0f : (v > 1f ? 1f : v);
    }

    private static void requireNonNegative(String what, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + v);
        }
    }

    static void checkBox(FloatImage img, int top, int left, int h, int w) {
        if (h <= 0 || w <= 0 || top < 0 || left < 0 || top + h > img.height() || left + w > img.width()) {
            throw new IllegalArgumentException("crop box top=" + top + " left=" + left + " h=" + h + " w=" + w
                    + " is not inside the " + img.height() + "x" + img.width() + " image");
        }
    }
}
