package io.sslbench.core.aug;

import java.util.SplittableRandom;

/**
 * torchvision {@code RandomHorizontalFlip(p)}: mirror left-right when {@code U[0,1) < p}.
 *
 * @param p flip probability in [0, 1] (torchvision default 0.5)
 */
public record RandomHorizontalFlip(double p) implements AugOp<Boolean> {
    public RandomHorizontalFlip {
        RandomApply.checkProbability("RandomHorizontalFlip.p", p);
    }

    @Override
    public Boolean sample(SplittableRandom rng, int height, int width) {
        return rng.nextDouble() < p;
    }

    @Override
    public FloatImage apply(FloatImage img, Boolean flip) {
        if (flip) {
            Functional.hflipInPlace(img);
        }
        return img;
    }
}
