package io.sslbench.eval.protocol;

import io.sslbench.core.aug.FloatImage;
import io.sslbench.core.aug.Normalization;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.aug.ViewSeeds;
import io.sslbench.core.data.ImageDataset;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The papers' linear evaluation (MoCo, SimSiam, SwAV {@code main_lincls.py}/{@code eval_linear.py}, SimCLR's and BYOL's
 * linear evaluation): a linear classifier {@code logits = x W + b} on the frozen encoder's features, trained by
 * mini-batch SGD or LARS on the cross-entropy, the encoder in inference mode (BN running statistics, no gradient),
 * each epoch over random-resized crops and flips of the training images; evaluated on the unaugmented test images.
 * The settings are each method's official ones ({@link LinearEvalConfig#forMethod}).
 *
 * <p>Loss of a batch of B: {@code L = (1/B) sum_i -log softmax(x_i W + b)[y_i]}; its gradient
 * {@code dL/dW = X^T (P - Y) / B}, {@code dL/db = 1^T (P - Y) / B} (P the softmax rows, Y one-hot). The classifier's
 * arithmetic is plain Java in double (a few MFLOP a step), so it is the same on every CPU; the features come from the
 * encoder's kernels.
 */
public final class LinearEval {
    private LinearEval() {}

    /**
     * @param top1      test top-1 in [0, 1]
     * @param top5      test top-5
     * @param steps     optimiser steps
     * @param finalLoss mean training loss of the last epoch
     */
    public record Result(double top1, double top5, long steps, double finalLoss, LinearEvalConfig config) {
        public String describe() {
            return String.format(Locale.ROOT, "linear evaluation (%s): top1=%.4f top5=%.4f, last-epoch loss %.4f",
                    config.describe(), top1, top5, finalLoss);
        }
    }

    /**
     * Trains the classifier and evaluates it.
     *
     * @param encoder       the pretrained network (not modified; run in inference mode)
     * @param vertex        its pooled-feature vertex
     * @param train         labelled training images (augmented each epoch when {@code cfg.augment()})
     * @param trainFeatures features of the unaugmented training images [N, F] (read only without augmentation)
     * @param testFeatures  features of the test images [M, F]
     * @param testLabels    their labels
     * @param target        the augmentation regime (crop side)
     * @param norm          the pretraining normalisation
     */
    public static Result run(ComputationGraph encoder, String vertex, ImageDataset train, INDArray trainFeatures,
                             INDArray testFeatures, int[] testLabels, Presets.Target target, Normalization norm,
                             LinearEvalConfig cfg) {
        int n = train.size(), c = train.numClasses(), f = (int) testFeatures.size(1);
        if (trainFeatures.size(0) != n || trainFeatures.size(1) != f) {
            throw new IllegalArgumentException("train features " + Arrays.toString(trainFeatures.shape())
                    + " do not match " + n + " images x " + f + " test-feature columns");
        }
        int[] labels = train.labels();
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException("training image " + i + " of " + train.name() + " has label "
                        + labels[i] + " outside [0, " + c + ")");
            }
        }
        Classifier clf = new Classifier(f, c, cfg);
        float[][] fixed = cfg.augment() ? null : trainFeatures.toFloatMatrix();
        ViewPipeline pipe = Presets.linearEval(target, norm);
        double lastLoss = Double.NaN;
        long steps = 0;
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            double lr = cfg.lrAt(epoch), sum = 0;
            int batches = 0;
            int[] order = ViewSeeds.permutation(cfg.seed(), epoch, n);
            for (int from = 0; from < n; from += cfg.batchSize()) {
                int b = Math.min(cfg.batchSize(), n - from);
                int[] idx = Arrays.copyOfRange(order, from, from + b);
                float[][] x = cfg.augment() ? augmentedFeatures(encoder, vertex, train, idx, pipe, cfg.seed(), epoch)
                        : rows(fixed, idx);
                int[] y = new int[b];
                for (int i = 0; i < b; i++) {
                    y[i] = labels[idx[i]];
                }
                sum += clf.step(x, y, lr);
                batches++;
                steps++;
            }
            lastLoss = sum / batches;
            if (!Double.isFinite(lastLoss)) {
                throw new IllegalStateException("linear evaluation diverged: loss " + lastLoss + " in epoch " + (epoch + 1)
                        + " (" + cfg.describe() + ")");
            }
        }
        double[][] scores = clf.scores(testFeatures.toFloatMatrix());
        return new Result(Accuracy.topK(scores, testLabels, 1), Accuracy.topK(scores, testLabels, 5), steps, lastLoss, cfg);
    }

    private static float[][] rows(float[][] all, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = all[idx[i]];
        }
        return out;
    }

    /** Features of freshly augmented copies of {@code train[idx]} (view seeds from the seed, the epoch and the image). */
    static float[][] augmentedFeatures(ComputationGraph encoder, String vertex, ImageDataset train, int[] idx,
                                       ViewPipeline pipe, long seed, int epoch) {
        int ch = train.channels(), s = pipe.outputSize(), len = pipe.outputLength(ch);
        float[] buf = new float[idx.length * len];
        for (int i = 0; i < idx.length; i++) {
            pipe.apply(FloatImage.fromDataset(train, idx[i]), ViewSeeds.forView(seed, epoch, idx[i], 0), buf, i * len);
        }
        INDArray x = Nd4j.create(buf, new long[]{idx.length, ch, s, s}, 'c');
        INDArray out = encoder.output(List.of(vertex), false, new INDArray[]{x}, null)[0];
        return FeatureExtractor.flatten(out, vertex).toFloatMatrix();
    }

    /** The classifier {@code W [F, C], b [C]} with its momentum buffers. */
    static final class Classifier {
        final int f, c;
        final double[] w, b, vw, vb;
        private final LinearEvalConfig cfg;

        Classifier(int f, int c, LinearEvalConfig cfg) {
            this.f = f;
            this.c = c;
            this.cfg = cfg;
            w = new double[f * c];
            b = new double[c];
            vw = new double[f * c];
            vb = new double[c];
            if (!cfg.zeroInit()) {
                SplittableRandom rng = new SplittableRandom(cfg.seed());
                Random gauss = new Random(rng.nextLong());
                for (int i = 0; i < w.length; i++) {
                    w[i] = 0.01 * gauss.nextGaussian();
                }
            }
        }

        /** Writes the softmax probabilities of row {@code x} into {@code p}. */
        private void probabilities(float[] x, double[] p) {
            System.arraycopy(b, 0, p, 0, c);
            for (int j = 0; j < f; j++) {
                double xj = x[j];
                if (xj != 0) {
                    int o = j * c;
                    for (int k = 0; k < c; k++) {
                        p[k] += xj * w[o + k];
                    }
                }
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : p) {
                max = Math.max(max, v);
            }
            double z = 0;
            for (int k = 0; k < c; k++) {
                p[k] = Math.exp(p[k] - max);
                z += p[k];
            }
            for (int k = 0; k < c; k++) {
                p[k] /= z;
            }
        }

        /** One optimiser step on a batch; @return the batch's mean loss before the step */
        double step(float[][] x, int[] y, double lr) {
            int bsz = x.length;
            double[] gw = new double[f * c], gb = new double[c], p = new double[c];
            double loss = 0;
            for (int i = 0; i < bsz; i++) {
                if (x[i].length != f) {
                    throw new IllegalArgumentException("feature row of width " + x[i].length + ", expected " + f);
                }
                probabilities(x[i], p);
                loss -= Math.log(Math.max(p[y[i]], Double.MIN_NORMAL));
                p[y[i]] -= 1;
                for (int k = 0; k < c; k++) {
                    p[k] /= bsz;
                    gb[k] += p[k];
                }
                for (int j = 0; j < f; j++) {
                    double xj = x[i][j];
                    if (xj != 0) {
                        int o = j * c;
                        for (int k = 0; k < c; k++) {
                            gw[o + k] += xj * p[k];
                        }
                    }
                }
            }
            boolean lars = cfg.optimizer().equals("lars");
            update(w, gw, vw, lr, cfg.weightDecay(), lars);
            // SGD decays every parameter (PyTorch weight_decay); LARS leaves the bias alone (SimSiam's LARS: 1-D params)
            update(b, gb, vb, lr, lars ? 0 : cfg.weightDecay(), false);
            return loss / bsz;
        }

        private void update(double[] param, double[] g, double[] v, double lr, double wd, boolean adapt) {
            if (wd > 0) {
                for (int i = 0; i < g.length; i++) {
                    g[i] += wd * param[i];
                }
            }
            if (adapt) {
                double pn = 0, gn = 0;
                for (int i = 0; i < g.length; i++) {
                    pn += param[i] * param[i];
                    gn += g[i] * g[i];
                }
                pn = Math.sqrt(pn);
                gn = Math.sqrt(gn);
                double trust = pn > 0 && gn > 0 ? cfg.larsEta() * pn / gn : 1.0;
                for (int i = 0; i < g.length; i++) {
                    g[i] *= trust;
                }
            }
            double mu = cfg.momentum();
            for (int i = 0; i < g.length; i++) {
                v[i] = mu * v[i] + g[i];
                param[i] -= lr * (cfg.nesterov() ? g[i] + mu * v[i] : v[i]);
            }
        }

        double[][] scores(float[][] x) {
            double[][] out = new double[x.length][c];
            for (int i = 0; i < x.length; i++) {
                probabilities(x[i], out[i]);
            }
            return out;
        }
    }
}
