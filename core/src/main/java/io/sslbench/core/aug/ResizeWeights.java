package io.sslbench.core.aug;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One-axis resampling coefficients of PIL's antialiased bilinear filter ({@code Image.resize(...,
 * BILINEAR)}, Pillow's {@code libImaging/Resample.c: precompute_coeffs}), which is what torchvision's
 * {@code Resize}/{@code RandomResizedCrop} use on PIL images.
 *
 * <p>For {@code in} source samples resized to {@code out}: {@code scale = in/out},
 * {@code filterscale = max(scale, 1)}, {@code support = 1 * filterscale}. Output sample {@code o} has
 * {@code center = (o + 0.5) * scale}, reads sources {@code xmin = max((int)(center - support + 0.5), 0)}
 * to {@code xmax = min((int)(center + support + 0.5), in)} (exclusive, C truncation), with weights
 * {@code tri((x - center + 0.5) / filterscale)}, {@code tri(t) = max(0, 1 - |t|)}, normalised to sum 1.
 * Downscaling therefore widens the triangle (antialiasing, a box-like average over {@code scale}
 * pixels); upscaling is plain half-pixel-centred bilinear with edge clamping.
 *
 * <p>Immutable; instances are cached per (in, out) pair and shared between threads (a crop of a given
 * width always reuses the same coefficients).
 */
public final class ResizeWeights {
    private static final ConcurrentHashMap<Long, ResizeWeights> CACHE = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 1 << 16;

    private final int in;
    private final int out;
    private final int[] start;
    private final int[] length;
    /** row-major [out][stride] weights, zero beyond length[o] */
    private final float[] weights;
    private final int stride;

    private ResizeWeights(int in, int out) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("resize sizes must be positive, got in=" + in + " out=" + out);
        }
        this.in = in;
        this.out = out;
        double scale = (double) in / out;
        double filterscale = Math.max(scale, 1.0);
        double support = filterscale; // bilinear filter support is 1.0
        this.stride = (int) Math.ceil(support) * 2 + 1;
        this.start = new int[out];
        this.length = new int[out];
        this.weights = new float[out * stride];
        double ss = 1.0 / filterscale;
        double[] k = new double[stride];
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), in) - xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                double t = Math.abs((x + xmin - center + 0.5) * ss);
                double w = t < 1.0 ? 1.0 - t : 0.0;
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                weights[o * stride + x] = (float) (ww != 0.0 ? k[x] / ww : k[x]);
            }
            start[o] = xmin;
            length[o] = xmax;
        }
    }

    /**
     * @param in  source length (pixels) along the axis
     * @param out target length
     * @return the (cached) coefficients
     */
    public static ResizeWeights of(int in, int out) {
        long key = ((long) in << 32) | (out & 0xFFFFFFFFL);
        ResizeWeights w = CACHE.get(key);
        if (w != null) {
            return w;
        }
        w = new ResizeWeights(in, out);
        if (CACHE.size() < MAX_CACHED) {
            CACHE.putIfAbsent(key, w);
        }
        return w;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** @return first source index read by output sample {@code o} */
    public int start(int o) {
        return start[o];
    }

    /** @return number of source samples read by output sample {@code o} */
    public int length(int o) {
        return length[o];
    }

    /** @return weight of source sample {@code start(o) + k} in output {@code o} */
    public float weight(int o, int k) {
        if (k < 0 || k >= length[o]) {
            throw new IndexOutOfBoundsException("tap " + k + " of output " + o + " (has " + length[o] + ")");
        }
        return weights[o * stride + k];
    }

    int[] starts() {
        return start;
    }

    int[] lengths() {
        return length;
    }

    float[] weights() {
        return weights;
    }

    int stride() {
        return stride;
    }
}
