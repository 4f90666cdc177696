package io.sslbench.simclr;

import io.sslbench.core.util.Gemm;
import io.sslbench.core.loss.CosineLogits;
import io.sslbench.core.loss.L2Normalize;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.loss.LossWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
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
 *   L     = 1/N sum_{i < 2N} l(i)  =  1/N sum_{i < N} l(i)  +  1/N sum_{i >= N} l(i)
 * </pre>
 * (SimCLR, Algorithm 1: each anchor has one positive and 2(N-1) negatives). The scale is the official
 * code's, not Algorithm 1's {@code 1/(2N)}: google-research/simclr's {@code add_contrastive_loss}
 * ({@code objective.py}) returns {@code loss_a + loss_b}, the two views' cross entropies each
 * averaged over the N images of its view, i.e. twice Algorithm 1's mean. The factor matters: the
 * gradient of the excluded (bias, BN) parameters enters LARS unadapted, and the ratio of gradient to
 * weight decay sets every other parameter's trust ratio.
 *
 * <p>Gradient: with {@code E_ik = exp(s_ik/tau)} ({@code E_ii = 0}), row sums {@code r_i},
 * {@code P = diag(1/r) E} the softmax and {@code Y} the (symmetric) positive indicator,
 * {@code G = (P - Y)/N} and {@code dL/du = (G + G^T) u / tau}. Since {@code E} is symmetric,
 * <pre>
 *   (G + G^T) u = ( diag(1/r) E u + E diag(1/r) u ) / N - 2 u_{p(i)} / N
 * </pre>
 * (two gemms with the same left operand, accumulated into one array); then through the
 * normalisation (see {@link L2Normalize}).
 *
 * <p>Cost: one [2N,D]x[D,2N] gemm, one exp and one row sum over the [2N,2N] matrix, two
 * [2N,2N]x[2N,D] gemms; the rest is O(2N D). Runs in the input's data type. For very small temperatures, where
 * {@code exp(1/tau)} would overflow the data type (see {@link CosineLogits}), it falls back to the
 * row-max-shifted softmax and two gradient gemms.
 *
 * <p><b>With a memory of negatives</b> ({@link #withMemory}, SimCLR v2's MoCo-style memory): K
 * extra unit vectors {@code c_q} (momentum-encoder embeddings of past batches, constants) join
 * every anchor's denominator,
 * <pre>
 *   l(i)  = -log( exp(s_{i,p(i)}/tau) / ( sum_{k != i, k < 2N} exp(s_ik/tau) + sum_{q < K} exp(u_i . c_q/tau) ) )
 * </pre>
 * With {@code F_iq = exp(u_i . c_q / tau)} the row sums {@code r_i} include {@code sum_q F_iq} and
 * the gradient gains the term {@code diag(1/r) F C / (N tau)}; the first gemm above accumulates
 * {@code F C} into the same array. Extra cost: one [2N,D]x[D,K] gemm, one exp and row sum over
 * [2N,K], one [2N,K]x[K,D] gemm. With K = 0 (no memory) it is the plain loss, the same operations.
 */
public final class NtXentLoss {
    /** Workspace of the temporaries (see {@link LossWorkspace}). */
    private static final String WORKSPACE = "sslbench-ntxent";

    private NtXentLoss() {}

    /**
     * @param z           embeddings [2N, D], rows {@code [view 1 of images 0..N-1 ; view 2 of images
     *                    0..N-1]}, not normalised (the loss normalises them); not modified
     * @param temperature {@code tau > 0}
     * @return the loss (the sum of the two views' means over their N anchors, as the official code) and
     *         {@code dL/dz} [2N, D]
     */
    public static LossResult compute(INDArray z, double temperature) {
        return compute(z, null, temperature, true);
    }

    /**
     * NT-Xent with a memory of K extra negatives shared by every anchor (SimCLR v2, Sec. 2: "the
     * memory mechanism from MoCo"; formula in the class doc).
     *
     * @param z           embeddings [2N, D] as in {@link #compute(INDArray, double)}; not modified
     * @param memory      negatives [K, D], rows already unit vectors (e.g. {@code FeatureQueue.snapshot()}),
     *                    same data type as {@code z}; constants: no gradient flows to them. {@code null}
     *                    or an empty [0, D] array means K = 0, the plain loss
     * @param temperature {@code tau > 0}
     * @return the loss (scaled as {@link #compute(INDArray, double)}) and {@code dL/dz} [2N, D] (the memory
     *         receives none)
     */
    public static LossResult withMemory(INDArray z, INDArray memory, double temperature) {
        return compute(z, memory, temperature, true);
    }

    /**
     * As {@link #compute(INDArray, double)}; {@code allowUnshifted = false} forces the row-max path
     * (package-private so tests cover both paths).
     */
    static LossResult compute(INDArray z, double temperature, boolean allowUnshifted) {
        return compute(z, null, temperature, allowUnshifted);
    }

    /**
     * As {@link #withMemory}; {@code allowUnshifted = false} forces the row-max path.
     */
    static LossResult compute(INDArray z, INDArray memory, double temperature, boolean allowUnshifted) {
        L2Normalize.requireMatrix(z, "z");
        requireTemperature(temperature);
        long m = z.rows();
        if (m % 2 != 0) {
            throw new IllegalArgumentException("z must have an even number 2N >= 2 of rows (two views of N"
                    + " images), got " + m + " rows, shape " + Arrays.toString(z.shape()));
        }
        INDArray mem = requireMemory(memory, z);
        long terms = m + (mem == null ? 0 : mem.rows()); // as the plain loss when K = 0
        double invTau = 1.0 / temperature;
        try (MemoryWorkspace ws = LossWorkspace.open(WORKSPACE)) {
            // DEVIATION: norms are clamped at 1e-12 as torch.nn.functional.normalize does; SimCLR's
            // tf.math.l2_normalize clamps the squared norm at 1e-12 (the norm at 1e-6). Only rows with
            // ||z_i|| < 1e-6 differ.
            L2Normalize.Normalized norm = L2Normalize.forward(z, "z");
            Partial p = allowUnshifted && CosineLogits.unshiftedExpIsSafe(z.dataType(), invTau, terms)
                    ? symmetric(norm.unit(), mem, invTau)
                    : rowMaxShifted(norm.unit(), mem, invTau);
            return new LossResult(p.value(), L2Normalize.backwardInPlace(norm, p.gradUnit()).detach());
        }
    }

    /** @return the memory, or null for K = 0; rejects a non-matrix, a width or type unlike z's */
    private static INDArray requireMemory(INDArray memory, INDArray z) {
        if (memory == null || (memory.rank() == 2 && memory.isEmpty() && memory.columns() == z.columns())) {
            return null;
        }
        L2Normalize.requireMatrix(memory, "memory");
        if (memory.columns() != z.columns()) {
            throw new IllegalArgumentException("memory dimension " + memory.columns() + " (shape "
                    + Arrays.toString(memory.shape()) + ") does not match the embedding dimension D = " + z.columns());
        }
        if (memory.dataType() != z.dataType()) {
            throw new IllegalArgumentException("z and memory must share one data type, got "
                    + z.dataType() + " and " + memory.dataType());
        }
        return memory;
    }

    /** The loss value and dL/du, before the normalisation's backward pass. */
    private record Partial(double value, INDArray gradUnit) {}

    /**
     * exp of the raw logits (safe by {@link CosineLogits}): E is symmetric, so G^T u needs no transpose.
     * {@code mem}: the memory [K, D] or null (K = 0).
     */
    private static Partial symmetric(INDArray u, INDArray mem, double invTau) {
        long m = u.rows(), n = m / 2;
        INDArray e = Nd4j.createUninitialized(u.dataType(), new long[]{m, m}, 'c');
        Gemm.gemm(u, u, e, false, true, invTau, 0.0);                    // S / tau
        double positives = diagonal(e, n, n).sumNumber().doubleValue()   // (i, i + N)
                + diagonal(e, n * m, n).sumNumber().doubleValue();       // (N + i, i)
        // DEVIATION: exp of the raw logits without the row-max shift a softmax cross entropy applies;
        // safe here by CosineLogits (|logit| <= 1/tau), same result up to rounding.
        Transforms.exp(e, false);
        // DEVIATION: the self-similarity gets weight exactly 0 instead of SimCLR's logit - LARGE_NUM
        // (1e9), whose exp is also exactly 0.
        diagonal(e, 0, m).assign(0);                                     // k != i
        INDArray rowSum = e.sum(1);
        INDArray f = null;
        if (mem != null) {                                               // F = exp(U C^T / tau) [2N, K]
            f = Nd4j.createUninitialized(u.dataType(), new long[]{m, mem.rows()}, 'c');
            Gemm.gemm(u, mem, f, false, true, invTau, 0.0);
            Transforms.exp(f, false);
            rowSum.addi(f.sum(1));
        }
        // loss_a + loss_b of SimCLR's add_contrastive_loss: each view's mean over its N anchors, summed
        double value = (Transforms.log(rowSum, true).sumNumber().doubleValue() - positives) / n;

        // diag(1/r) (E u + F C) + E diag(1/r) u: gemms accumulating into one [2N, D] array
        INDArray gradUnit = Gemm.gemm(e, u, false, false);
        if (f != null) {
            Gemm.gemm(f, mem, gradUnit, false, false, 1.0, 1.0);
        }
        gradUnit.diviColumnVector(rowSum);
        Gemm.gemm(e, u.divColumnVector(rowSum), gradUnit, false, false, 1.0, 1.0);
        // - 2 u_{p(i)}: subtract the other view's rows block by block (halved first, doubled below)
        gradUnit.muli(0.5);
        gradUnit.get(NDArrayIndex.interval(0, n), NDArrayIndex.all())
                .subi(u.get(NDArrayIndex.interval(n, m), NDArrayIndex.all()));
        gradUnit.get(NDArrayIndex.interval(n, m), NDArrayIndex.all())
                .subi(u.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()));
        return new Partial(value, gradUnit.muli(2 * invTau / n));
    }

    /** General path for tiny temperatures: softmax shifted by each row's maximum. {@code mem} as in symmetric. */
    private static Partial rowMaxShifted(INDArray u, INDArray mem, double invTau) {
        long m = u.rows(), n = m / 2;
        INDArray logits = Nd4j.createUninitialized(u.dataType(), new long[]{m, m}, 'c');
        Gemm.gemm(u, u, logits, false, true, invTau, 0.0);
        INDArray self = diagonal(logits, 0, m);
        INDArray pos12 = diagonal(logits, n, n);
        INDArray pos21 = diagonal(logits, n * m, n);
        // DEVIATION: SimCLR's TF code subtracts LARGE_NUM = 1e9 on the diagonal; -inf gives the same
        // softmax (exactly zero weight) and also keeps the diagonal out of the row maximum.
        self.assign(Double.NEGATIVE_INFINITY);
        double positives = pos12.sumNumber().doubleValue() + pos21.sumNumber().doubleValue();

        INDArray rowMax = logits.max(1);
        INDArray memLogits = null;
        if (mem != null) {                                               // U C^T / tau [2N, K]
            memLogits = Nd4j.createUninitialized(u.dataType(), new long[]{m, mem.rows()}, 'c');
            Gemm.gemm(u, mem, memLogits, false, true, invTau, 0.0);
            rowMax = Transforms.max(rowMax, memLogits.max(1), false);
        }
        logits.subiColumnVector(rowMax);
        Transforms.exp(logits, false);
        INDArray rowSum = logits.sum(1);
        if (memLogits != null) {
            memLogits.subiColumnVector(rowMax);
            Transforms.exp(memLogits, false);
            rowSum.addi(memLogits.sum(1));
        }
        double logSumExp = Transforms.log(rowSum, true).addi(rowMax).sumNumber().doubleValue();
        double value = (logSumExp - positives) / n;                       // loss_a + loss_b (see symmetric)

        // G = (softmax - Y) / N in place; dL/du = (G u + G^T u + G_mem C) / tau
        logits.diviColumnVector(rowSum.muli(n));
        pos12.subi(1.0 / n);
        pos21.subi(1.0 / n);
        INDArray gradUnit = Nd4j.createUninitialized(u.dataType(), new long[]{m, u.columns()}, 'c');
        Gemm.gemm(logits, u, gradUnit, false, false, invTau, 0.0);
        Gemm.gemm(logits, u, gradUnit, true, false, invTau, 1.0);
        if (memLogits != null) {
            memLogits.diviColumnVector(rowSum);                           // rowSum already times N
            Gemm.gemm(memLogits, mem, gradUnit, false, false, invTau, 1.0);
        }
        return new Partial(value, gradUnit);
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
