package io.sslbench.core.loss;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The contrastive pretext task's top-1 accuracy: the fraction of anchors whose positive has the highest cosine
 * similarity among the candidates of the loss's softmax (ties count as misses). It is what MoCo's Sec. 3.3 watches
 * to see BN "cheat": with leaking batch statistics the pretext accuracy is high while the features learn less.
 * A diagnostic on the detached embeddings, in their own data type (FLOAT in training: one product per step, the size of
 * the loss's own logits, and a row maximum); no gradient.
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
        INDArray u = unit(z);
        INDArray s = u.mmul(u.transpose()); // [2N, 2N] cosine similarities
        long n = m / 2;
        long[] positive = new long[(int) m];
        for (int i = 0; i < m; i++) {
            positive[i] = (i + n) % m;
        }
        INDArray pos = Nd4j.createUninitialized(s.dataType(), m);
        for (int i = 0; i < m; i++) {
            pos.putScalar(i, s.getDouble(i, positive[i]));
            s.putScalar(i, i, Double.NEGATIVE_INFINITY); // itself: not a candidate
            s.putScalar(i, positive[i], Double.NEGATIVE_INFINITY); // the positive: compared below
        }
        return hits(pos, s.max(1));
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
        INDArray qu = unit(q);
        INDArray pos = qu.mul(unit(k)).sum(1);
        INDArray negMax = qu.mmul(queue.castTo(qu.dataType()).transpose()).max(1);
        return hits(pos, negMax);
    }

    /** @return the fraction of rows whose positive similarity is strictly above the best other candidate's */
    private static double hits(INDArray pos, INDArray bestOther) {
        long n = pos.length();
        return pos.reshape(n).gt(bestOther.reshape(n)).castTo(DataType.DOUBLE)
                .sumNumber().doubleValue() / n;
    }

    private static INDArray unit(INDArray x) {
        return L2Normalize.forward(x, "pretext accuracy").unit();
    }
}
