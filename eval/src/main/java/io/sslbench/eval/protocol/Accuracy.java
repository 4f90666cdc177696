package io.sslbench.eval.protocol;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** Top-k accuracy from per-class scores, shared by every protocol. */
public final class Accuracy {
    private Accuracy() {}

    /**
     * Fraction of samples whose true class is among the {@code k} highest-scoring classes.
     *
     * <p>Ties are broken as a stable descending sort does: among equal scores the lower class index ranks
     * first. With fewer than {@code k} classes every sample counts as correct.
     *
     * @param scores [N][C] class scores (any monotone score: votes, logits, probabilities)
     * @param labels N true classes in [0, C)
     * @param k      &gt;= 1
     * @return top-k accuracy in [0, 1]
     */
    public static double topK(double[][] scores, int[] labels, int k) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " score rows for " + labels.length + " labels");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("no samples to score");
        }
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (rank(scores[i], labels[i]) < k) {
                correct++;
            }
        }
        return correct / (double) labels.length;
    }

    /**
     * @return 0-based rank of class {@code y} in a stable descending sort of {@code s}: the number of classes
     *         with a higher score, plus those with an equal score and a lower index
     */
    public static int rank(double[] s, int y) {
        if (y < 0 || y >= s.length) {
            throw new IllegalArgumentException("label " + y + " out of range [0," + s.length + ")");
        }
        int r = 0;
        for (int c = 0; c < s.length; c++) {
            if (s[c] > s[y] || (s[c] == s[y] && c < y)) {
                r++;
            }
        }
        return r;
    }

    /**
     * @param what   name used in messages, e.g. "trainLabels"
     * @param labels one label per feature row, each in [0, numClasses)
     * @param feat   [N, D] features
     * @throws IllegalArgumentException naming the first offending label or the shape mismatch
     */
    static void checkLabels(String what, int[] labels, INDArray feat, int numClasses) {
        if (feat.rank() != 2) {
            throw new IllegalArgumentException(what + ": features must be [N, D], got "
                    + Arrays.toString(feat.shape()));
        }
        if (labels.length != feat.size(0)) {
            throw new IllegalArgumentException(what + ": " + labels.length + " labels for " + feat.size(0) + " feature rows");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(what + "[" + i + "] = " + labels[i] + " outside [0, " + numClasses + ")");
            }
        }
    }
}
