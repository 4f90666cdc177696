package io.sslbench.core.util;

import io.sslbench.core.runtime.Backend;
import org.bytedeco.dnnl.global.dnnl;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * Matrix products {@code c = alpha op(a) op(b) + beta c} (same contract as {@code Nd4j.gemm}) through oneDNN's
 * {@code dnnl_sgemm} (JavaCPP's oneDNN preset; it shares nd4j-native's OpenMP threads) for dense FLOAT matrices in
 * c or f order on the CPU backend, and through {@code Nd4j.gemm} for everything else (DOUBLE, strided views, no
 * preset, CUDA).
 *
 * <p>Why: on this harness's shapes ND4J's product (OpenBLAS here) measured 1.8-11x slower, e.g. a projector's
 * {@code [128, 64] x [64, 4096]} 5.3 ms against 0.49 ms, {@code [128, 4096] x [4096, 256]} 10.1 against 5.5 ms
 * (2 cores, AVX-512; both within float rounding of each other: relative differences of order 1e-6). A model's
 * results therefore change in the last digits, as with any other BLAS.
 */
public final class Gemm {
    private Gemm() {}

    private static final boolean DNNL;

    static {
        boolean ok;
        try {
            float[] a = {2f}, b = {3f}, c = {0f};
            ok = dnnl.dnnl_sgemm((byte) 'N', (byte) 'N', 1, 1, 1, 1f, a, 1, b, 1, 0f, c, 1) == dnnl.dnnl_success
                    && c[0] == 6f; // exact: one product of small integers
        } catch (Throwable t) { // no preset for this platform: ND4J's product
            LoggerFactory.getLogger(Gemm.class).warn("matrix products through ND4J: oneDNN preset does not load: {}",
                    t.toString());
            ok = false;
        }
        // host pointers of ND4J's buffers are the data only on the CPU backend (CUDA keeps it on the device)
        DNNL = ok && !"nd4j".equals(System.getProperty("sslbench.gemm"))
                && "CPU".equalsIgnoreCase(Backend.backendName());
    }

    /** @return whether products of dense FLOAT matrices go through oneDNN ({@code -Dsslbench.gemm=nd4j}: never) */
    public static boolean direct() {
        return DNNL;
    }

    /** As {@code Nd4j.gemm(a, b, c, transA, transB, alpha, beta)}: {@code c = alpha op(a) op(b) + beta c}; returns c. */
    public static INDArray gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha,
                                double beta) {
        if (!DNNL || !plain(a) || !plain(b) || !plain(c) || a.dataType() != DataType.FLOAT
                || b.dataType() != DataType.FLOAT || c.dataType() != DataType.FLOAT) {
            return Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
        }
        long m = c.size(0), n = c.size(1), k = transA ? a.size(0) : a.size(1);
        if ((transA ? a.size(1) : a.size(0)) != m || (transB ? b.size(0) : b.size(1)) != n
                || (transB ? b.size(1) : b.size(0)) != k) {
            throw new IllegalArgumentException("gemm shapes: " + Arrays.toString(a.shape()) + (transA ? "^T" : "")
                    + " x " + Arrays.toString(b.shape()) + (transB ? "^T" : "") + " -> "
                    + Arrays.toString(c.shape()));
        }
        if (m == 0 || n == 0) {
            return c;
        }
        if (!rowMajor(c)) {
            // c is f order, i.e. c^T row-major: c^T = alpha op(b)^T op(a)^T + beta c^T
            rowMajorProduct(b, !transB, a, !transA, c, n, m, k, alpha, beta);
        } else {
            rowMajorProduct(a, transA, b, transB, c, m, n, k, alpha, beta);
        }
        return c;
    }

    /** {@code op(a) op(b)} as a new c-order FLOAT (or ND4J's) matrix. */
    public static INDArray gemm(INDArray a, INDArray b, boolean transA, boolean transB) {
        long m = transA ? a.size(1) : a.size(0), n = transB ? b.size(0) : b.size(1);
        return gemm(a, b, Nd4j.createUninitialized(a.dataType(), m, n), transA, transB, 1.0, 0.0);
    }

    /**
     * Row-major {@code out[m', n'] = alpha X Y + beta out} where X is {@code x} or its transpose ({@code tx}) and Y
     * likewise; {@code out} is {@code c} read row-major with {@code n'} columns (c itself, or f-order c's transpose).
     */
    private static void rowMajorProduct(INDArray x, boolean tx, INDArray y, boolean ty, INDArray c, long rows, long cols,
                                        long inner, double alpha, double beta) {
        // an f-order operand, read row-major, is its own transpose: X = x needs 'T' then, X = x^T needs 'N'
        boolean xr = rowMajor(x), yr = rowMajor(y);
        boolean storedX = xr ? tx : !tx, storedY = yr ? ty : !ty; // whether the stored (row-major) matrix is transposed
        long ldx = xr ? x.size(1) : x.size(0), ldy = yr ? y.size(1) : y.size(0);
        int status = dnnl.dnnl_sgemm((byte) (storedX ? 'T' : 'N'), (byte) (storedY ? 'T' : 'N'), rows, cols, inner,
                (float) alpha, Buffers.pointer(x), Math.max(1, ldx), Buffers.pointer(y), Math.max(1, ldy), (float) beta, Buffers.pointer(c),
                Math.max(1, cols));
        if (status != dnnl.dnnl_success) {
            throw new IllegalStateException("dnnl_sgemm failed with status " + status);
        }
    }

    /** A 2d matrix whose elements are contiguous in c or f order. */
    private static boolean plain(INDArray a) {
        return a.rank() == 2 && (Buffers.denseRowMajor(a) || Buffers.denseColumnMajor(a));
    }

    /** Whether a {@link #plain} matrix is read row-major (c order; a single row or column counts as c order). */
    private static boolean rowMajor(INDArray a) {
        return Buffers.denseRowMajor(a);
    }
}
