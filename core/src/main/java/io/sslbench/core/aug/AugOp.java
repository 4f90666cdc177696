package io.sslbench.core.aug;

import java.util.SplittableRandom;

/**
 * One augmentation step as data: a parameter sampler plus a deterministic functional form.
 *
 * <p>{@code apply(img, sample(rng, img.height(), img.width()))} is the random transform; calling
 * {@link #apply} with fixed parameters is the pure, testable part. Implementations are immutable
 * records (their configuration) and thread-safe; all randomness comes from the {@code rng} passed in.
 *
 * @param <P> sampled parameters (e.g. a crop box, jitter factors); {@link Void} for deterministic ops
 */
public interface AugOp<P> {

    /**
     * Draws this op's random parameters (the analogue of torchvision's {@code get_params}).
     *
     * @param rng    source of randomness, advanced by the draws
     * @param height input image height
     * @param width  input image width
     * @return the parameters; may be {@code null} for ops without parameters
     */
    P sample(SplittableRandom rng, int height, int width);

    /**
     * Applies the op with given parameters. May modify {@code img} in place and return it, or return a
     * new image (geometric ops); callers must use the returned image.
     *
     * @param img    input, float [0,1] HWC
     * @param params parameters from {@link #sample} (or chosen by hand)
     * @return the transformed image
     */
    FloatImage apply(FloatImage img, P params);

    /** Samples and applies in one step. */
    default FloatImage randomApply(FloatImage img, SplittableRandom rng) {
        return apply(img, sample(rng, img.height(), img.width()));
    }

    /**
     * @return output (height, width) for an input of the given size (size-preserving ops return it)
     */
    default int[] outputSize(int height, int width) {
        return new int[]{height, width};
    }
}
