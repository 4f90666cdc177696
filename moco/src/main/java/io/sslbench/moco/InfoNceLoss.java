package io.sslbench.moco;

import io.sslbench.core.util.Gemm;
import io.sslbench.core.loss.CosineLogits;
import io.sslbench.core.loss.L2Normalize;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.loss.LossWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
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
 * <p>Cost: two [N,D]x[D,K] gemms, one exp and one row sum over [N,K]; the rest is O(N D). The
 * softmax normalisation {@code 1/rowSum} is applied to the [N, D] gemm result rather than to the
 * [N, K] probabilities. For very small temperatures, where {@code exp(1/tau)} would overflow the
 * data type (see {@link CosineLogits}), the logits are shifted by their row maximum first.
 */
public final class InfoNceLoss {
    /** Workspace of the temporaries (see {@link LossWorkspace}). */
    private static final String WORKSPACE = "sslbench-infonce";

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
        return compute(q, k, queue, temperature, true);
    }

    /**
     * As {@link #compute(INDArray, INDArray, INDArray, double)}; {@code allowUnshifted = false}
     * forces the row-max path (package-private so tests cover both paths).
     */
    static LossResult compute(INDArray q, INDArray k, INDArray queue, double temperature, boolean allowUnshifted) {
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
        double invTau = 1.0 / temperature;
        boolean unshifted = allowUnshifted
                && CosineLogits.unshiftedExpIsSafe(q.dataType(), invTau, queue.rows() + 1);
        try (MemoryWorkspace ws = LossWorkspace.open(WORKSPACE)) {
            L2Normalize.Normalized qn = L2Normalize.forward(q, "q");
            INDArray unitK = L2Normalize.forward(k, "k").unit();
            Partial p = unshifted
                    ? unshifted(qn.unit(), unitK, queue, invTau)
                    : rowMaxShifted(qn.unit(), unitK, queue, invTau);
            return new LossResult(p.value(), L2Normalize.backwardInPlace(qn, p.gradUnit()).detach(), null);
        }
    }

    /** The loss value and dL/dq^, before the normalisation's backward pass. */
    private record Partial(double value, INDArray gradUnit) {}

    /** exp of the raw logits (safe by {@link CosineLogits}): no row maximum, no [N, K] rescaling pass. */
    private static Partial unshifted(INDArray unitQ, INDArray unitK, INDArray queue, double invTau) {
        long n = unitQ.rows();
        INDArray lPos = unitQ.mul(unitK).sum(1).muli(invTau);                      // [N]
        INDArray e = Nd4j.createUninitialized(unitQ.dataType(), new long[]{n, queue.rows()}, 'c');
        Gemm.gemm(unitQ, queue, e, false, true, invTau, 0.0);                    // l_neg / tau [N, K]
        // DEVIATION: exp of the raw logits, without the row-max shift of torch's cross entropy;
        // safe here by CosineLogits (|logit| <= 1/tau), same result up to rounding.
        Transforms.exp(e, false);
        INDArray expPos = Transforms.exp(lPos, true);
        INDArray rowSum = e.sum(1).addi(expPos);
        // -log p_n0 = log rowSum - l_pos
        double value = Transforms.log(rowSum, true).subi(lPos).sumNumber().doubleValue() / n;

        // dL/dq^ = ((p_n0 - 1) k^ + (E queue) / rowSum) / (N tau)
        INDArray gradUnit = Gemm.gemm(e, queue, false, false).diviColumnVector(rowSum);
        gradUnit.addi(unitK.mulColumnVector(expPos.divi(rowSum).subi(1)));
        return new Partial(value, gradUnit.muli(invTau / n));
    }

    /** General path for tiny temperatures: softmax shifted by each row's maximum. */
    private static Partial rowMaxShifted(INDArray unitQ, INDArray unitK, INDArray queue, double invTau) {
        long n = unitQ.rows();
        INDArray lPos = unitQ.mul(unitK).sum(1).muli(invTau);
        INDArray lNeg = Nd4j.createUninitialized(unitQ.dataType(), new long[]{n, queue.rows()}, 'c');
        Gemm.gemm(unitQ, queue, lNeg, false, true, invTau, 0.0);

        INDArray rowMax = Transforms.max(lNeg.max(1), lPos, false);
        lNeg.subiColumnVector(rowMax);
        Transforms.exp(lNeg, false);
        INDArray expPos = Transforms.exp(lPos.sub(rowMax), false);
        INDArray rowSum = lNeg.sum(1).addi(expPos);
        double value = Transforms.log(rowSum, true).addi(rowMax).subi(lPos).sumNumber().doubleValue() / n;

        INDArray gradUnit = Gemm.gemm(lNeg, queue, false, false).diviColumnVector(rowSum);
        gradUnit.addi(unitK.mulColumnVector(expPos.divi(rowSum).subi(1)));
        return new Partial(value, gradUnit.muli(invTau / n));
    }
}
