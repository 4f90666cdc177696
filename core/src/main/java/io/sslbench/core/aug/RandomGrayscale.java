package io.sslbench.core.aug;

import java.util.SplittableRandom;

/**
 * torchvision {@code RandomGrayscale(p)}: when {@code U[0,1) < p}, replace every channel by
 * {@code 0.299 R + 0.587 G + 0.114 B}; the output keeps 3 channels.
 *
 * @param p probability in [0, 1]
 */
public record RandomGrayscale(double p) implements AugOp<Boolean> {
    public RandomGrayscale {
        RandomApply.checkProbability("RandomGrayscale.p", p);
    }

    @Override
    public Boolean sample(SplittableRandom rng, int height, int width) {
        return rng.nextDouble() < p;
    }

    @Override
    public FloatImage apply(FloatImage img, Boolean gray) {
        if (gray) {
            Functional.grayscaleInPlace(img);
        }
        return img;
    }
}
