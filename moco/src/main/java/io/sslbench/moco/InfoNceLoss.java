package io.sslbench.moco;

import io.sslbench.core.loss.L2Normalize;
import io.sslbench.core.loss.LossResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * MoCo's InfoNCE loss with a queue of negatives, value and gradient with respect to the queries.
 *
 * <p>With {@code q^_n = q_n / ||q_n||}, {@code k^_n = k_n / ||k_n||} and the queue rows
 * {@code c_j} (already unit vectors), MoCo Algorithm 1 / {@code moco/builder.py}:
 * <pre>
 *   logits_n = [ q^_n . k^_n , q^_n . c_0 , ... , q^_n . c_{K-1} ] / tau      (1 + K entries)
 *   L        = 1/N sum_n -log softmax(logits_n)[0]                            (labels = 0)
 * </pre>
 *
 * <p>Gradient: with {@code p_n = softmax(logits_n)},
 * {@code dL/dq^_n = ((p_n0 - 1) k^_n + sum_j p_nj c_j) / (N tau)}, then through the
 * normalisation (see {@link L2Normalize}). Keys and queue are detached (MoCo computes them under
 * {@code torch.no_grad()}), so their gradients are {@code null}.
 *
 * <p>Cost: two [N,D]x[D,K] gemms and one exp over [N,K]; the rest is O(N D + N K).
 */
public final class InfoNceLoss {
    private InfoNceLoss() {}

    /**
     * @param q           queries [N, D], not normalised (normalised here, gradient flows through)
     * @param k           keys [N, D] from the momentum encoder, not normalised (normalised here as
     *                    MoCo does; detached)
     * @param queue       negatives [K, D], K >= 1, rows already unit vectors (detached), for instance
     *                    {@code FeatureQueue.snapshot()}
     * @param temperature {@code tau > 0}
     * @return the mean loss over the N queries and the gradients {@code [dL/dq [N, D], null]};
     *         nothing is returned for the queue, which is not an input of the gradient list
     */
    public static LossResult compute(INDArray q, INDArray k, INDArray queue, double temperature) {
        L2Normalize.requireMatrix(q, "q");
        L2Normalize.requireMatrix(k, "k");
        if (queue == null) {
            throw new IllegalArgumentException("queue is null: InfoNCE needs K >= 1 negative keys [K, D]");
        }
        L2Normalize.requireMatrix(queue, "queue");
        if (!Arrays.equals(q.shape(), k.shape())) {
            throw new IllegalArgumentException("q and k must have the same shape [N, D], got q "
                    + Arrays.toString(q.shape()) + " and k " + Arrays.toString(k.shape()));
        }
        if (queue.columns() != q.columns()) {
            throw new IllegalArgumentException("queue dimension " + queue.columns() + " (shape "
                    + Arrays.toString(queue.shape()) + ") does not match the query dimension D = " + q.columns());
        }
        if (q.dataType() != k.dataType() || q.dataType() != queue.dataType()) {
            throw new IllegalArgumentException("q, k and queue must share one data type, got "
                    + q.dataType() + ", " + k.dataType() + ", " + queue.dataType());
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        long n = q.rows();
        long size = queue.rows();
        double invTau = 1.0 / temperature;

        L2Normalize.Normalized qn = L2Normalize.forward(q, "q");
        INDArray unitQ = qn.unit();
        INDArray unitK = L2Normalize.forward(k, "k").unit();

        // l_pos [N] and l_neg [N, K], already divided by tau
        INDArray lPos = unitQ.mul(unitK).sum(1).muli(invTau);
        INDArray lNeg = Nd4j.createUninitialized(q.dataType(), new long[]{n, size}, 'c');
        Nd4j.gemm(unitQ, queue, lNeg, false, true, invTau, 0.0);

        // stable log-sum-exp over the 1 + K logits of each row
        INDArray rowMax = Transforms.max(lNeg.max(1), lPos, false);
        lNeg.subiColumnVector(rowMax);
        Transforms.exp(lNeg, false);
        INDArray expPos = Transforms.exp(lPos.sub(rowMax), false);
        INDArray rowSum = lNeg.sum(1).addi(expPos);
        // -log p_n0 = log rowSum + rowMax - l_pos
        double value = Transforms.log(rowSum, true).addi(rowMax).subi(lPos).sumNumber().doubleValue() / n;

        // dL/dlogits / N: p_nj / N on the negatives (in place), (p_n0 - 1) / N on the positive
        INDArray scale = rowSum.mul(n);
        lNeg.diviColumnVector(scale);
        INDArray gPos = expPos.divi(scale).subi(1.0 / n);

        // dL/dq^ = (gPos * k^ + gNeg queue) / tau
        INDArray gradUnit = unitK.mulColumnVector(gPos.muli(invTau));
        Nd4j.gemm(lNeg, queue, gradUnit, false, false, invTau, 1.0);
        return new LossResult(value, L2Normalize.backwardInPlace(qn, gradUnit), null);
    }
}
