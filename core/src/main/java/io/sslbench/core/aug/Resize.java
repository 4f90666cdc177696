package io.sslbench.core.aug;

import java.util.SplittableRandom;

/**
 * torchvision {@code Resize(size)} with an int size: the shorter side becomes {@code size}, the longer
 * {@code (int)(size * long / short)}; an image whose shorter side already equals {@code size} is returned
 * unchanged. PIL antialiased bilinear ({@link Functional#resize}).
 *
 * @param size target length of the shorter side, > 0
 */
public record Resize(int size) implements AugOp<Void> {
    public Resize {
        if (size <= 0) {
            throw new IllegalArgumentException("Resize.size must be > 0, got " + size);
        }
    }

    @Override
    public Void sample(SplittableRandom rng, int height, int width) {
        return null;
    }

    @Override
    public FloatImage apply(FloatImage img, Void unused) {
        int[] s = outputSize(img.height(), img.width());
        if (s[0] == img.height() && s[1] == img.width()) {
            return img;
        }
        return Functional.resize(img, s[0], s[1]);
    }

    @Override
    public int[] outputSize(int height, int width) {
        int shortSide = Math.min(height, width), longSide = Math.max(height, width);
        if (shortSide == size) {
            return new int[]{height, width};
        }
        int newLong = (int) ((long) size * longSide / shortSide);
        return height <= width ? new int[]{size, newLong} : new int[]{newLong, size};
    }
}
