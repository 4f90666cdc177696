package io.sslbench.core.aug;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * torchvision {@code RandomApply([op], p)}: apply {@code op} with probability {@code p}. The coin is
 * drawn first; the inner op's parameters are drawn only when it applies (as in torchvision, where the
 * inner transform samples inside its own forward).
 *
 * @param p  probability in [0, 1]
 * @param op the wrapped op
 * @param <P> the wrapped op's parameters
 */
public record RandomApply<P>(double p, AugOp<P> op) implements AugOp<RandomApply.Decision<P>> {
    public RandomApply {
        checkProbability("RandomApply.p", p);
        Objects.requireNonNull(op, "RandomApply.op");
    }

    /**
     * @param applied whether the op runs
     * @param params  the op's parameters when applied (may be null for parameterless ops)
     * @param <P>     parameter type
     */
    public record Decision<P>(boolean applied, P params) {}

    @Override
    public Decision<P> sample(SplittableRandom rng, int height, int width) {
        if (rng.nextDouble() < p) {
            return new Decision<>(true, op.sample(rng, height, width));
        }
        return new Decision<>(false, null);
    }

    @Override
    public FloatImage apply(FloatImage img, Decision<P> d) {
        return d.applied() ? op.apply(img, d.params()) : img;
    }

    @Override
    public int[] outputSize(int height, int width) {
        int[] s = op.outputSize(height, width);
        if (s[0] != height || s[1] != width) {
            throw new IllegalStateException("RandomApply would make the output size random: " + op
                    + " maps " + height + "x" + width + " to " + s[0] + "x" + s[1]);
        }
        return s;
    }

    static void checkProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0,1], got " + p);
        }
    }
}
