package io.sslbench.simclr;

import io.sslbench.core.loss.L2Normalize;
import io.sslbench.core.loss.LossResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * SimCLR's NT-Xent loss (normalised temperature-scaled cross entropy), value and gradient.
 *
 * <p>With {@code M = 2N} rows {@code z = [z^(1)_0 .. z^(1)_{N-1} ; z^(2)_0 .. z^(2)_{N-1}]} (both
 * views of each image, in two blocks), {@code u_i = z_i / ||z_i||} and
 * {@code s_ik = u_i . u_k}, the positive of anchor {@code i} is {@code p(i) = (i + N) mod 2N} and
 * <pre>
 *   l(i)  = -log( exp(s_{i,p(i)}/tau) / sum_{k != i} exp(s_ik/tau) )
 *   L     = 1/(2N) sum_i l(i)
 * </pre>
 * (SimCLR, Algorithm 1: each anchor has one positive and 2(N-1) negatives).
 *
 * <p>Gradient: with {@code P} the row softmax of {@code S/tau} over {@code k != i} and {@code Y}
 * the positive indicator, {@code G = (P - Y)/(2N)} (zero diagonal) and
 * {@code dL/du = (G + G^T) u / tau}, then through the normalisation (see {@link L2Normalize}).
 *
 * <p>Cost: one [2N,2N] similarity gemm, two [2N,2N]x[2N,D] gemms for the gradient, one exp over the
 * [2N,2N] matrix; everything else is O(2N D). Runs in the input's data type.
 */
public final class NtXentLoss {
    private NtXentLoss() {}

    /**
     * @param z           embeddings [2N, D], rows {@code [view 1 of images 0..N-1 ; view 2 of images
     *                    0..N-1]}, not normalised (the loss normalises them); not modified
     * @param temperature {@code tau > 0}
     * @return the mean loss over the 2N anchors and {@code dL/dz} [2N, D]
     */
    public static LossResult compute(INDArray z, double temperature) {
        L2Normalize.requireMatrix(z, "z");
        requireTemperature(temperature);
        long m = z.rows();
        if (m % 2 != 0 || m < 2) {
            throw new IllegalArgumentException("z must have an even number 2N >= 2 of rows (two views of N"
                    + " images), got " + m + " rows, shape " + Arrays.toString(z.shape()));
        }
        long n = m / 2;
        double invTau = 1.0 / temperature;

        L2Normalize.Normalized norm = L2Normalize.forward(z, "z");
        INDArray u = norm.unit();

        // logits S / tau, [2N, 2N], row-major so that the diagonals below are strided views
        INDArray logits = Nd4j.createUninitialized(z.dataType(), new long[]{m, m}, 'c');
        Nd4j.gemm(u, u, logits, false, true, invTau, 0.0);
        INDArray self = diagonal(logits, 0, m);          // (i, i)
        INDArray pos12 = diagonal(logits, n, n);         // (i, i + N), i < N
        INDArray pos21 = diagonal(logits, n * m, n);     // (N + i, i), i < N

        // SimCLR's TF code subtracts LARGE_NUM = 1e9 on the diagonal; -inf gives the same softmax
        // (exactly zero weight) and also keeps the diagonal out of the row maximum.
        self.assign(Double.NEGATIVE_INFINITY);
        double positives = pos12.sumNumber().doubleValue() + pos21.sumNumber().doubleValue();

        // stable log-sum-exp over k != i
        INDArray rowMax = logits.max(1);
        logits.subiColumnVector(rowMax);
        Transforms.exp(logits, false);
        INDArray rowSum = logits.sum(1);
        double logSumExp = Transforms.log(rowSum, true).addi(rowMax).sumNumber().doubleValue();
        double value = (logSumExp - positives) / m;

        // G = (softmax - Y) / 2N, in place in the logits buffer
        logits.diviColumnVector(rowSum.muli(m));
        pos12.subi(1.0 / m);
        pos21.subi(1.0 / m);

        // dL/du = (G u + G^T u) / tau
        INDArray gradUnit = Nd4j.createUninitialized(z.dataType(), new long[]{m, z.columns()}, 'c');
        Nd4j.gemm(logits, u, gradUnit, false, false, invTau, 0.0);
        Nd4j.gemm(logits, u, gradUnit, true, false, invTau, 1.0);
        return new LossResult(value, L2Normalize.backwardInPlace(norm, gradUnit));
    }

    /**
     * Convenience form with the two views as separate arrays.
     *
     * @param z1          view-1 embeddings [N, D]
     * @param z2          view-2 embeddings [N, D], row {@code i} the same image as row {@code i} of z1
     * @param temperature {@code tau > 0}
     * @return the same value as {@code compute(vstack(z1, z2), tau)} and the gradients
     *         {@code dL/dz1}, {@code dL/dz2} (each [N, D], independent arrays)
     */
    public static LossResult compute(INDArray z1, INDArray z2, double temperature) {
        L2Normalize.requireMatrix(z1, "z1");
        L2Normalize.requireMatrix(z2, "z2");
        if (!Arrays.equals(z1.shape(), z2.shape())) {
            throw new IllegalArgumentException("z1 and z2 must have the same shape [N, D], got "
                    + Arrays.toString(z1.shape()) + " and " + Arrays.toString(z2.shape()));
        }
        if (z1.dataType() != z2.dataType()) {
            throw new IllegalArgumentException("z1 and z2 must have the same data type, got "
                    + z1.dataType() + " and " + z2.dataType());
        }
        long n = z1.rows();
        LossResult r = compute(Nd4j.concat(0, z1, z2), temperature);
        INDArray g = r.gradient(0);
        return new LossResult(r.value(),
                g.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup('c'),
                g.get(NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all()).dup('c'));
    }

    /**
     * A strided view of {@code count} entries of a c-ordered square matrix, starting at flat offset
     * {@code start} and stepping one row and one column at a time (a (sub-)diagonal).
     * (NDArrayIndex.interval with a stride mis-computes its end in M2.1, hence the raw view.)
     */
    private static INDArray diagonal(INDArray square, long start, long count) {
        long m = square.columns();
        return Nd4j.create(square.data(), new long[]{count}, new long[]{m + 1}, square.offset() + start, 'c');
    }

    static void requireTemperature(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
    }
}
