package io.sslbench.core.aug;

import java.util.SplittableRandom;

/**
 * Solarisation ({@code PIL.ImageOps.solarize(img, 128)} as used by BYOL implementations, torchvision
 * {@code F.solarize}): samples {@code >= threshold} become {@code 1 - x}. Deterministic; wrap it in
 * {@link RandomApply} for a probability.
 *
 * @param threshold in [0, 1]; {@link #DEFAULT_THRESHOLD} = 128/255
 */
public record Solarize(double threshold) implements AugOp<Void> {
    public static final double DEFAULT_THRESHOLD = 128.0 / 255.0;

    public Solarize {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("Solarize.threshold must be in [0,1], got " + threshold);
        }
    }

    /** @return solarisation at 128/255 */
    public static Solarize standard() {
        return new Solarize(DEFAULT_THRESHOLD);
    }

    @Override
    public Void sample(SplittableRandom rng, int height, int width) {
        return null;
    }

    @Override
    public FloatImage apply(FloatImage img, Void unused) {
        Functional.solarizeInPlace(img, threshold);
        return img;
    }
}
