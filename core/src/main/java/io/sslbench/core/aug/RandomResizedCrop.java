package io.sslbench.core.aug;

import java.util.SplittableRandom;

/**
 * torchvision {@code RandomResizedCrop(size, scale, ratio)} with bilinear interpolation.
 *
 * <p>Sampling ({@code get_params}): up to 10 attempts of {@code target_area = H*W*U(scale)},
 * {@code aspect = exp(U(log ratio[0], log ratio[1]))}, {@code w = round(sqrt(area*aspect))},
 * {@code h = round(sqrt(area/aspect))} (Python's round-half-even); the first with {@code 0 < w <= W} and
 * {@code 0 < h <= H} gets {@code top = randint(0, H-h)}, {@code left = randint(0, W-w)}. Otherwise the
 * fallback is a central crop: the whole image clipped to the ratio range
 * ({@code W/H < min ratio: w = W, h = round(w/min ratio)}; {@code W/H > max ratio: h = H,
 * w = round(h*max ratio)}; else the whole image).
 *
 * <p>Resampling: PIL antialiased bilinear of the crop to {@code size x size} ({@link Functional#resizedCrop}).
 *
 * @param size     output side S (square output), > 0
 * @param scaleMin lower bound of the crop's area fraction, 0 < scaleMin <= scaleMax
 * @param scaleMax upper bound of the area fraction
 * @param ratioMin lower bound of the aspect ratio w/h, 0 < ratioMin <= ratioMax (torchvision 3/4)
 * @param ratioMax upper bound of the aspect ratio (torchvision 4/3)
 */
public record RandomResizedCrop(int size, double scaleMin, double scaleMax, double ratioMin, double ratioMax)
        implements AugOp<RandomResizedCrop.Box> {

    /** torchvision's default aspect-ratio range (3/4, 4/3) */
    public static final double RATIO_MIN = 3.0 / 4.0;
    public static final double RATIO_MAX = 4.0 / 3.0;
    /** number of rejection-sampling attempts before the centre-crop fallback (torchvision: 10) */
    public static final int ATTEMPTS = 10;

    public RandomResizedCrop {
        if (size <= 0) {
            throw new IllegalArgumentException("RandomResizedCrop.size must be > 0, got " + size);
        }
        if (!(scaleMin > 0) || !(scaleMin <= scaleMax) || !Double.isFinite(scaleMax)) {
            throw new IllegalArgumentException("RandomResizedCrop.scale must satisfy 0 < min <= max, got ("
                    + scaleMin + ", " + scaleMax + ")");
        }
        if (!(ratioMin > 0) || !(ratioMin <= ratioMax) || !Double.isFinite(ratioMax)) {
            throw new IllegalArgumentException("RandomResizedCrop.ratio must satisfy 0 < min <= max, got ("
                    + ratioMin + ", " + ratioMax + ")");
        }
    }

    /** @return a crop with torchvision's default ratio range (3/4, 4/3) */
    public static RandomResizedCrop of(int size, double scaleMin, double scaleMax) {
        return new RandomResizedCrop(size, scaleMin, scaleMax, RATIO_MIN, RATIO_MAX);
    }

    /**
     * Crop box in source pixels.
     *
     * @param top      first row
     * @param left     first column
     * @param height   rows
     * @param width    columns
     * @param fallback whether the centre-crop fallback produced it
     */
    public record Box(int top, int left, int height, int width, boolean fallback) {}

    @Override
    public Box sample(SplittableRandom rng, int height, int width) {
        double area = (double) height * width;
        double logMin = Math.log(ratioMin), logMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(rng, scaleMin, scaleMax);
            double aspect = Math.exp(uniform(rng, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Box(top, left, h, w, false);
            }
        }
        return centerFallback(height, width, ratioMin, ratioMax);
    }

    /** torchvision's fallback after {@link #ATTEMPTS} failed draws. */
    static Box centerFallback(int height, int width, double ratioMin, double ratioMax) {
        double inRatio = (double) width / height;
        int w, h;
        if (inRatio < ratioMin) {
            w = width;
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            h = height;
            w = (int) Math.rint(h * ratioMax);
        } else {
            w = width;
            h = height;
        }
        return new Box((height - h) / 2, (width - w) / 2, h, w, true);
    }

    /** torch's {@code empty(1).uniform_(a, b)}: {@code a + (b - a) * U[0,1)} */
    static double uniform(SplittableRandom rng, double a, double b) {
        return a + (b - a) * rng.nextDouble();
    }

    @Override
    public FloatImage apply(FloatImage img, Box p) {
        return Functional.resizedCrop(img, p.top(), p.left(), p.height(), p.width(), size, size);
    }

    @Override
    public int[] outputSize(int height, int width) {
        return new int[]{size, size};
    }
}
