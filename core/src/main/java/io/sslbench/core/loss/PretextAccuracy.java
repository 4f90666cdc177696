package io.sslbench.core.loss;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The contrastive pretext task's top-1 accuracy: the fraction of anchors whose positive has the highest cosine
 * similarity among the candidates of the loss's softmax (ties count as misses). It is what MoCo's Sec. 3.3 watches
 * to see BN "cheat": with leaking batch statistics the pretext accuracy is high while the features learn less.
 * A diagnostic, computed in double on the detached embeddings; no gradient.
 */
public final class PretextAccuracy {
    private PretextAccuracy() {}

    /** The diagnostic's name in metrics, summaries and result rows (mean over the last epoch's steps). */
    public static final String DIAGNOSTIC = "pretextTop1";

    /**
     * NT-Xent's task: {@code z} [2N, D] is view 1's N rows then view 2's; row i's positive is row (i + N) mod 2N, its
     * candidates every other row (itself excluded), as in the loss's denominator.
     *
     * @return the fraction of the 2N anchors whose positive is their most similar candidate
     */
    public static double ntXent(INDArray z) {
        long m = z.rows();
        if (m % 2 != 0 || m < 2) {
            throw new IllegalArgumentException("NT-Xent pretext accuracy needs [2N, D] embeddings, got " + m + " rows");
        }
        double[][] s = similarities(z, z);
        int n = (int) (m / 2);
        int hits = 0;
        for (int i = 0; i < m; i++) {
            int p = (i + n) % (int) m;
            boolean top = true;
            for (int k = 0; k < m && top; k++) {
                top = k == i || k == p || s[i][k] < s[i][p];
            }
            hits += top ? 1 : 0;
        }
        return (double) hits / m;
    }

    /**
     * MoCo's task: query i's positive is key i, its negatives the K queued keys (the logits {@code [l_pos, l_neg]} of
     * the official {@code forward}; the batch's other keys are not candidates).
     *
     * @param q     queries [N, D]
     * @param k     keys [N, D]
     * @param queue queued keys [K, D] (already unit rows, as the queue stores them)
     * @return the fraction of the N queries whose positive key beats every queued key
     */
    public static double infoNce(INDArray q, INDArray k, INDArray queue) {
        INDArray qu = unit(q), ku = unit(k);
        double[] pos = qu.castTo(DataType.DOUBLE).mul(ku.castTo(DataType.DOUBLE)).sum(1).toDoubleVector();
        double[][] neg = qu.castTo(DataType.DOUBLE).mmul(queue.castTo(DataType.DOUBLE).transpose()).toDoubleMatrix();
        int hits = 0;
        for (int i = 0; i < pos.length; i++) {
            boolean top = true;
            for (int j = 0; j < neg[i].length && top; j++) {
                top = neg[i][j] < pos[i];
            }
            hits += top ? 1 : 0;
        }
        return (double) hits / pos.length;
    }

    private static double[][] similarities(INDArray a, INDArray b) {
        INDArray au = unit(a).castTo(DataType.DOUBLE), bu = unit(b).castTo(DataType.DOUBLE);
        return au.mmul(bu.transpose()).toDoubleMatrix();
    }

    private static INDArray unit(INDArray x) {
        return L2Normalize.forward(x, "pretext accuracy").unit();
    }
}
