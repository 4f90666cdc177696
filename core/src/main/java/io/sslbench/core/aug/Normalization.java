package io.sslbench.core.aug;

import java.util.Arrays;

/**
 * Per-channel normalisation {@code out = (x - mean[c]) / std[c]} applied to [0,1] pixels (torchvision's
 * {@code Normalize} after {@code ToTensor}).
 *
 * @param mean per-channel mean in [0,1] units, length 1 or 3
 * @param std  per-channel standard deviation, same length, every entry > 0
 */
public record Normalization(float[] mean, float[] std) {
    /**
     * CIFAR-10 training-set statistics, as in solo-learn {@code solo/data/pretrain_dataloader.py}
     * ({@code CifarTransform}): mean (0.4914, 0.4822, 0.4465), std (0.2470, 0.2435, 0.2616). (The often
     * copied std (0.2023, 0.1994, 0.2010) is the mean of per-image stds, not the data set's std.)
     */
    public static final Normalization CIFAR10 = new Normalization(
            new float[]{0.4914f, 0.4822f, 0.4465f}, new float[]{0.2470f, 0.2435f, 0.2616f});

    /** ImageNet statistics used by every official repository: mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225). */
    public static final Normalization IMAGENET = new Normalization(
            new float[]{0.485f, 0.456f, 0.406f}, new float[]{0.229f, 0.224f, 0.225f});

    public Normalization {
        if (mean == null || std == null) {
            throw new IllegalArgumentException("mean and std are required");
        }
        if (mean.length != std.length || (mean.length != 1 && mean.length != 3)) {
            throw new IllegalArgumentException("mean/std must both have 1 or 3 channels, got "
                    + mean.length + "/" + std.length);
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("std[" + c + "] must be finite and > 0 and mean finite, got mean="
                        + mean[c] + " std=" + std[c]);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** @return number of channels */
    public int channels() {
        return mean.length;
    }

    float meanAt(int c) {
        return mean[c];
    }

    float stdAt(int c) {
        return std[c];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
