package io.sslbench.core.aug;

import java.util.SplittableRandom;

/**
 * torchvision {@code CenterCrop(size)}: a {@code size x size} box at
 * {@code top = round((H - size) / 2)}, {@code left = round((W - size) / 2)} (round-half-even).
 *
 * <p>// DEVIATION: torchvision pads images smaller than the crop; we reject them (no preset needs it).
 *
 * @param size crop side, > 0
 */
public record CenterCrop(int size) implements AugOp<Void> {
    public CenterCrop {
        if (size <= 0) {
            throw new IllegalArgumentException("CenterCrop.size must be > 0, got " + size);
        }
    }

    @Override
    public Void sample(SplittableRandom rng, int height, int width) {
        return null;
    }

    @Override
    public FloatImage apply(FloatImage img, Void unused) {
        if (img.height() < size || img.width() < size) {
            throw new IllegalArgumentException("CenterCrop(" + size + ") of a smaller image " + img);
        }
        if (img.height() == size && img.width() == size) {
            return img;
        }
        int top = (int) Math.rint((img.height() - size) / 2.0);
        int left = (int) Math.rint((img.width() - size) / 2.0);
        return Functional.crop(img, top, left, size, size);
    }

    @Override
    public int[] outputSize(int height, int width) {
        return new int[]{size, size};
    }
}
