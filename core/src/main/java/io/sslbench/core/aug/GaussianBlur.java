package io.sslbench.core.aug;

import java.util.SplittableRandom;

/**
 * torchvision {@code GaussianBlur(kernel_size, sigma=(sigmaMin, sigmaMax))}: {@code sigma ~ U(sigmaMin,
 * sigmaMax)}, then {@link Functional#gaussianBlur} (separable Gaussian, reflect padding). Deterministic in
 * its application; wrap in {@link RandomApply} for a probability.
 *
 * <p>SimCLR (appendix A): "kernel size 10% of the image height/width, sigma uniform in [0.1, 2.0]";
 * {@link #forImageSide} computes that size.
 *
 * <p>// DEVIATION: MoCo v2, SimSiam, BYOL (PyTorch ports) and solo-learn blur with PIL's
 * {@code ImageFilter.GaussianBlur(radius=sigma)} (an extended box-blur approximation with no fixed
 * kernel size), SwAV {@code cv2.GaussianBlur((23, 23), sigma)} and SimCLR's TF code a zero-padded
 * ("SAME") depthwise convolution; we use torchvision's exact Gaussian with reflect padding for all of them.
 *
 * @param kernelSize odd kernel size k >= 1
 * @param sigmaMin   lower bound of sigma, > 0
 * @param sigmaMax   upper bound of sigma, >= sigmaMin
 */
public record GaussianBlur(int kernelSize, double sigmaMin, double sigmaMax) implements AugOp<Double> {
    public GaussianBlur {
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("GaussianBlur.kernelSize must be odd and >= 1, got " + kernelSize);
        }
        if (!(sigmaMin > 0) || !(sigmaMin <= sigmaMax) || !Double.isFinite(sigmaMax)) {
            throw new IllegalArgumentException("GaussianBlur.sigma must satisfy 0 < min <= max, got ("
                    + sigmaMin + ", " + sigmaMax + ")");
        }
    }

    /**
     * SimCLR's blur for a square image of side {@code side}: kernel {@code (int)(0.1 * side)}, made odd by
     * adding 1 when even (224 -> 23, 96 -> 9), sigma in [0.1, 2.0].
     */
    public static GaussianBlur forImageSide(int side) {
        int k = Math.max(1, (int) (0.1 * side));
        if (k % 2 == 0) {
            k += 1;
        }
        return new GaussianBlur(k, 0.1, 2.0);
    }

    @Override
    public Double sample(SplittableRandom rng, int height, int width) {
        return RandomResizedCrop.uniform(rng, sigmaMin, sigmaMax);
    }

    @Override
    public FloatImage apply(FloatImage img, Double sigma) {
        Functional.gaussianBlurInPlace(img, Functional.gaussianKernel1d(kernelSize, sigma),
                new float[img.data().length]);
        return img;
    }
}
