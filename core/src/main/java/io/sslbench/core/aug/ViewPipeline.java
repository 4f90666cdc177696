package io.sslbench.core.aug;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One view's augmentation as data: ordered ops, the output side S, and the normalisation applied at the
 * end. {@link #apply} maps a [0,1] HWC image to normalised CHW floats of shape [C, S, S] (the layout of
 * one row of an NCHW batch); the source image is never modified.
 *
 * @param ops           ops in application order (may be empty when the input already has side S)
 * @param outputSize    S, the side of the square output
 * @param normalization per-channel mean/std applied after the last op
 */
public record ViewPipeline(List<AugOp<?>> ops, int outputSize, Normalization normalization) {
    public ViewPipeline {
        Objects.requireNonNull(ops, "ViewPipeline.ops");
        Objects.requireNonNull(normalization, "ViewPipeline.normalization");
        ops = List.copyOf(ops);
        if (outputSize <= 0) {
            throw new IllegalArgumentException("ViewPipeline.outputSize must be > 0, got " + outputSize);
        }
    }

    /**
     * Runs the ops on a copy of {@code src} (the source is shared between views and never modified).
     *
     * @param src source image, [0,1] HWC
     * @param rng this view's generator (see {@link ViewSeeds#forView})
     * @return the augmented image, S x S x C
     */
    public FloatImage augment(FloatImage src, SplittableRandom rng) {
        FloatImage img = ops.isEmpty() || !(ops.get(0) instanceof RandomResizedCrop) ? src.copy() : src;
        for (AugOp<?> op : ops) {
            img = op.randomApply(img, rng);
        }
        if (img.height() != outputSize || img.width() != outputSize) {
            throw new IllegalStateException("view pipeline produced " + img + " but declares output side "
                    + outputSize + "; ops: " + ops);
        }
        return img;
    }

    /**
     * Augments and writes the normalised CHW result: {@code dst[offset + (c*S + y)*S + x]}.
     *
     * @param src    source image (unchanged)
     * @param rng    this view's generator
     * @param dst    destination buffer
     * @param offset first index written; {@code C*S*S} floats are written
     */
    public void apply(FloatImage src, SplittableRandom rng, float[] dst, int offset) {
        Functional.normalizeToChw(augment(src, rng), normalization, dst, offset);
    }

    /** @return a new [C, S, S] float array holding the normalised view */
    public float[] apply(FloatImage src, SplittableRandom rng) {
        float[] out = new float[outputLength(src.channels())];
        apply(src, rng, out, 0);
        return out;
    }

    /** @return C*S*S, the number of floats one view occupies */
    public int outputLength(int channels) {
        return channels * outputSize * outputSize;
    }

    /**
     * Checks, without running anything, that inputs of the given geometry come out S x S with the
     * normalisation's channel count.
     *
     * @throws IllegalArgumentException naming the mismatch
     */
    public void checkInput(int height, int width, int channels) {
        if (channels != normalization.channels()) {
            throw new IllegalArgumentException("view pipeline normalises " + normalization.channels()
                    + " channels but images have " + channels);
        }
        int h = height, w = width;
        for (AugOp<?> op : ops) {
            int[] s = op.outputSize(h, w);
            h = s[0];
            w = s[1];
        }
        if (h != outputSize || w != outputSize) {
            throw new IllegalArgumentException("view pipeline maps " + height + "x" + width + " inputs to " + h + "x"
                    + w + ", not to its declared output " + outputSize + "x" + outputSize + "; ops: " + ops);
        }
    }
}
