package io.sslbench.eval.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * Settings of semi-supervised fine-tuning ({@link FineTune}).
 *
 * <p>Paper protocol (SimCLR, App. B.5): Nesterov momentum 0.9, learning rate {@code 0.05 * batch / 256},
 * no warm-up, no regularisation (weight decay 0), 60 epochs on 1% of the labels and 30 on 10%, augmentation
 * random crop + horizontal flip. See {@link #simclr(double, int, float[], float[])}.
 *
 * @param epochs       passes over the labelled subset, &gt;= 1
 * @param learningRate peak learning rate (cosine-decayed to 0 over all iterations), &gt; 0
 * @param momentum     Nesterov momentum in [0, 1)
 * @param batchSize    images per step, &gt;= 1
 * @param weightDecay  L2 coefficient on weights (PyTorch-style {@code weight_decay}, added to the gradient
 *                     before the momentum update; DL4J's {@code l2} does not touch biases), &gt;= 0
 * @param randomFlip   horizontal flip with probability 1/2 during training
 * @param seed         seed of the classifier's initialisation, batch order and flips
 * @param mean         per-channel normalisation mean in [0,1] units, as used in pretraining
 * @param std          per-channel normalisation std, each &gt; 0
 */
public record FineTuneConfig(int epochs, double learningRate, double momentum, int batchSize, double weightDecay,
                             boolean randomFlip, long seed, float[] mean, float[] std) {
    public FineTuneConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("FineTuneConfig.epochs must be >= 1, got " + epochs);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("FineTuneConfig.learningRate must be finite and > 0, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("FineTuneConfig.momentum must be in [0, 1), got " + momentum);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("FineTuneConfig.batchSize must be >= 1, got " + batchSize);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("FineTuneConfig.weightDecay must be finite and >= 0, got " + weightDecay);
        }
        if (mean == null || std == null || mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("FineTuneConfig.mean/std must be non-empty and of equal length, got "
                    + Arrays.toString(mean) + " / " + Arrays.toString(std));
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("FineTuneConfig.std entries must be > 0, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * SimCLR's fine-tuning protocol for a labelled fraction: 60 epochs at 1% (fraction &lt;= 0.01), 30 otherwise;
     * lr {@code 0.05 * batchSize / 256}; Nesterov 0.9; no weight decay; flip on; seed 0.
     */
    public static FineTuneConfig simclr(double fraction, int batchSize, float[] mean, float[] std) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
        return new FineTuneConfig(fraction <= 0.01 ? 60 : 30, 0.05 * batchSize / 256.0, 0.9, batchSize, 0.0, true,
                0L, mean, std);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** @return a copy with other epochs */
    public FineTuneConfig withEpochs(int newEpochs) {
        return new FineTuneConfig(newEpochs, learningRate, momentum, batchSize, weightDecay, randomFlip, seed, mean, std);
    }

    /** @return a copy with another seed */
    public FineTuneConfig withSeed(long newSeed) {
        return new FineTuneConfig(epochs, learningRate, momentum, batchSize, weightDecay, randomFlip, newSeed, mean, std);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FineTuneConfig c && epochs == c.epochs && Double.compare(learningRate, c.learningRate) == 0
                && Double.compare(momentum, c.momentum) == 0 && batchSize == c.batchSize
                && Double.compare(weightDecay, c.weightDecay) == 0 && randomFlip == c.randomFlip && seed == c.seed
                && Arrays.equals(mean, c.mean) && Arrays.equals(std, c.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(epochs, learningRate, momentum, batchSize, weightDecay, randomFlip, seed,
                Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "FineTuneConfig[epochs=" + epochs + ", learningRate=" + learningRate + ", momentum=" + momentum
                + ", batchSize=" + batchSize + ", weightDecay=" + weightDecay + ", randomFlip=" + randomFlip
                + ", seed=" + seed + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
