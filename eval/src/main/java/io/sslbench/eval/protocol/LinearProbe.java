package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Linear evaluation on frozen features: features are extracted once, standardised with the training split's
 * statistics, and an L2-regularised multinomial logistic regression is fitted to convergence with full-batch
 * L-BFGS ({@link LinearProbeConfig} has the objective and the default L2). Reports top-1/top-5 on the test split.
 *
 * <p>The variant with an encoder runs the MoCo {@code sanity_check} afterwards ({@link SanityCheck}).
 */
public final class LinearProbe {
    private LinearProbe() {}

    /** Standard deviations below this count as constant features; they are centred and left unscaled. */
    static final double MIN_STD = 1e-8;

    /**
     * A fitted probe. Weights act on standardised features {@code z = (x - mean) / std}.
     *
     * @param mean       [D] training feature means
     * @param std        [D] training feature std (population; 1 where a feature is constant)
     * @param weights    [D][C] weights on standardised features
     * @param bias       [C]
     * @param iterations L-BFGS iterations used
     * @param converged  whether the gradient tolerance was reached
     * @param objective  final value of the regularised objective
     */
    public record Model(double[] mean, double[] std, double[][] weights, double[] bias, int iterations,
                        boolean converged, double objective) {
        /** @return logits [M][C] for raw features [M, D] */
        public double[][] logits(INDArray features) {
            int d = mean.length;
            if (features.rank() != 2 || features.size(1) != d) {
                throw new IllegalArgumentException("probe expects [M, " + d + "] features, got "
                        + Arrays.toString(features.shape()));
            }
            INDArray z = standardise(features, mean, std);
            return z.mmul(Nd4j.create(weights)).addiRowVector(Nd4j.create(bias)).toDoubleMatrix();
        }

        /** @return class probabilities [M][C] */
        public double[][] probabilities(INDArray features) {
            double[][] l = logits(features);
            for (double[] row : l) {
                double max = Arrays.stream(row).max().orElse(0), sum = 0;
                for (int c = 0; c < row.length; c++) {
                    row[c] = Math.exp(row[c] - max);
                    sum += row[c];
                }
                for (int c = 0; c < row.length; c++) {
                    row[c] /= sum;
                }
            }
            return l;
        }
    }

    /**
     * Result of a linear evaluation (fractions in [0, 1]).
     *
     * @param top1       test top-1
     * @param top5       test top-5 (1.0 with fewer than 5 classes)
     * @param trainTop1  training top-1 (how well the probe fits)
     * @param l2         L2 coefficient used
     * @param iterations L-BFGS iterations
     * @param converged  gradient tolerance reached
     * @param numTrain   training features
     * @param numTest    test features
     */
    public record Result(double top1, double top5, double trainTop1, double l2, int iterations, boolean converged,
                         int numTrain, int numTest) {
        /** @return one line naming the protocol and its parameters */
        public String describe() {
            return String.format(Locale.ROOT, "linear probe (L-BFGS multinomial logistic regression, l2=%s, "
                            + "standardised features, %d iterations, %s) on %d train / %d test: top1=%.4f top5=%.4f "
                            + "(train top1=%.4f)", l2, iterations, converged ? "converged" : "NOT converged",
                    numTrain, numTest, top1, top5, trainTop1);
        }
    }

    /**
     * Extracts train and test features once ({@link FeatureExtractor}: inference mode, no augmentation), fits
     * the probe, evaluates it, then checks that no encoder parameter or BN statistic changed.
     *
     * @throws IllegalStateException from {@link SanityCheck} if the encoder was modified
     */
    public static Result evaluate(ComputationGraph encoder, ImageDataset train, ImageDataset test, float[] mean,
                                  float[] std, int batchSize, LinearProbeConfig cfg) {
        INDArray before = encoder.params().dup();
        INDArray ftr = FeatureExtractor.extract(encoder, train, mean, std, batchSize);
        INDArray fte = FeatureExtractor.extract(encoder, test, mean, std, batchSize);
        Result r = evaluate(ftr, train.labels(), fte, test.labels(), train.numClasses(), cfg);
        SanityCheck.assertUnchanged(before, encoder);
        return r;
    }

    /**
     * Fits on {@code trainFeat} and reports accuracies on {@code testFeat}.
     *
     * @param trainFeat   [N, D] features
     * @param trainLabels N labels in [0, numClasses)
     * @param testFeat    [M, D] features
     * @param testLabels  M labels
     * @param numClasses  C &gt;= 2
     */
    public static Result evaluate(INDArray trainFeat, int[] trainLabels, INDArray testFeat, int[] testLabels,
                                  int numClasses, LinearProbeConfig cfg) {
        Accuracy.checkLabels("testLabels", testLabels, testFeat, numClasses);
        Model m = fit(trainFeat, trainLabels, numClasses, cfg);
        double[][] test = m.logits(testFeat);
        double[][] train = m.logits(trainFeat);
        return new Result(Accuracy.topK(test, testLabels, 1), Accuracy.topK(test, testLabels, 5),
                Accuracy.topK(train, trainLabels, 1), cfg.l2(), m.iterations(), m.converged(),
                trainLabels.length, testLabels.length);
    }

    /**
     * Fits the probe: standardise with the training statistics, then minimise the objective of
     * {@link LinearProbeConfig} with L-BFGS from zero weights.
     *
     * @return the fitted model (check {@link Model#converged()})
     */
    public static Model fit(INDArray trainFeat, int[] trainLabels, int numClasses, LinearProbeConfig cfg) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        Accuracy.checkLabels("trainLabels", trainLabels, trainFeat, numClasses);
        INDArray x = trainFeat.castTo(DataType.DOUBLE);
        double[] mean = x.mean(0).toDoubleVector();
        double[] std = x.std(false, 0).toDoubleVector();
        for (int j = 0; j < std.length; j++) {
            if (!(std[j] > MIN_STD)) {
                std[j] = 1.0;
            }
        }
        // DEVIATION (protocol linear-lbfgs): not a paper's linear evaluation (that is LinearEval, protocol linear) but
        // SimCLR's L-BFGS transfer protocol on fixed features, with one fixed l2 instead of SimCLR's validation sweep.
        Objective obj = new Objective(standardise(x, mean, std), trainLabels, numClasses, cfg.l2());
        Lbfgs.Result r = Lbfgs.minimize(obj, new double[obj.numParams()], cfg.history(), cfg.maxIterations(),
                cfg.tolerance());
        int d = mean.length;
        double[][] w = new double[d][numClasses];
        for (int j = 0; j < d; j++) {
            System.arraycopy(r.x(), j * numClasses, w[j], 0, numClasses);
        }
        double[] b = Arrays.copyOfRange(r.x(), d * numClasses, d * numClasses + numClasses);
        return new Model(mean, std, w, b, r.iterations(), r.converged(), r.value());
    }

    static INDArray standardise(INDArray features, double[] mean, double[] std) {
        INDArray x = features.castTo(DataType.DOUBLE);
        return x.subRowVector(Nd4j.create(mean)).diviRowVector(Nd4j.create(std));
    }

    /**
     * Regularised softmax cross-entropy over parameters {@code theta = [W (D x C, row-major), b (C)]}:
     * {@code f = (1/N) sum_i -log p_i[y_i] + (l2/2)||W||^2}, {@code dW = Z'(P - Y)/N + l2 W}, {@code db = sum_i (P - Y)_i / N}.
     */
    static final class Objective implements Lbfgs.Objective {
        private final INDArray z;
        private final int[] labels;
        private final int n, d, c;
        private final double l2;

        /** @param z [N, D] standardised DOUBLE features */
        Objective(INDArray z, int[] labels, int numClasses, double l2) {
            this.z = z;
            this.n = (int) z.size(0);
            this.d = (int) z.size(1);
            this.c = numClasses;
            this.l2 = l2;
            this.labels = labels.clone();
        }

        int numParams() {
            return d * c + c;
        }

        /** Rows per block of the softmax work: fixed, so the summation order (and the result) never depends on threads. */
        private static final int BLOCK = 2048;

        /**
         * Two gemms in ND4J; the O(N C) softmax work in plain Java keeps the number of native calls small. The rows are
         * processed in fixed blocks in parallel and the blocks' loss and bias-gradient sums added in block order, so
         * the value is the same on any number of threads (one exp per logit: {@code P = e / sum e}).
         */
        @Override
        public double evaluate(double[] theta, double[] grad) {
            INDArray w = Nd4j.create(Arrays.copyOfRange(theta, 0, d * c), new long[]{d, c}, 'c');
            double[] logits = Nd4j.toFlattened('c', z.mmul(w)).toDoubleVector(); // [N*C] row-major
            int blocks = (n + BLOCK - 1) / BLOCK;
            double[] blockLoss = new double[blocks];
            double[][] blockGb = new double[blocks][c];
            IntStream.range(0, blocks).parallel().forEach(bi -> {
                double[] gbb = blockGb[bi];
                double lossb = 0;
                for (int i = bi * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
                    int o = i * c;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < c; k++) {
                        logits[o + k] += theta[d * c + k];
                        max = Math.max(max, logits[o + k]);
                    }
                    double target = logits[o + labels[i]];
                    double sum = 0;
                    for (int k = 0; k < c; k++) {
                        double e = Math.exp(logits[o + k] - max);
                        logits[o + k] = e;
                        sum += e;
                    }
                    lossb -= target - max - Math.log(sum);
                    for (int k = 0; k < c; k++) { // delta = (P - Y) / N, stored in place of the logits
                        double delta = (logits[o + k] / sum - (k == labels[i] ? 1 : 0)) / n;
                        logits[o + k] = delta;
                        gbb[k] += delta;
                    }
                }
                blockLoss[bi] = lossb;
            });
            double loss = 0;
            double[] gb = new double[c];
            for (int bi = 0; bi < blocks; bi++) {
                loss += blockLoss[bi];
                for (int k = 0; k < c; k++) {
                    gb[k] += blockGb[bi][k];
                }
            }
            INDArray delta = Nd4j.create(logits, new long[]{n, c}, 'c');
            double[] gw = Nd4j.toFlattened('c', z.transpose().mmul(delta)).toDoubleVector();
            double reg = 0;
            for (int q = 0; q < d * c; q++) {
                reg += theta[q] * theta[q];
                grad[q] = gw[q] + l2 * theta[q];
            }
            System.arraycopy(gb, 0, grad, d * c, c);
            return loss / n + 0.5 * l2 * reg;
        }
    }
}
