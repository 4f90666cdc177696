package io.sslbench.core.util;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Row-wise l2 normalisation, shared by the collapse monitor, the kNN monitor and cosine-similarity code. */
public final class RowNorm {
    private RowNorm() {}

    /** Norms are clamped from below by this, as {@code torch.nn.functional.normalize(eps=1e-12)} does. */
    public static final double EPS = 1e-12;

    /**
     * {@code out_i = x_i / max(||x_i||_2, EPS)}.
     *
     * @param x [N, D] matrix (not modified)
     * @return a new [N, D] matrix of the same data type with unit-norm rows (zero rows stay zero)
     */
    public static INDArray l2Normalize(INDArray x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("expected a [N, D] matrix, got shape " + java.util.Arrays.toString(x.shape()));
        }
        INDArray norms = Transforms.max(x.norm2(true, 1), EPS, false);
        return x.divColumnVector(norms);
    }
}
