package io.sslbench.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Helpers for two-view batches stored as one [2N,D] matrix with rows [view1; view2]. */
public final class TwoViews {
    private TwoViews() {}

    /**
     * Swaps the two views: {@code [x1; x2] -> [x2; x1]}, so row i of the result is the other view of
     * the sample in row i of {@code x}. The swap is its own inverse.
     *
     * @param x [2N,D] (not modified)
     * @return new [2N,D] matrix
     */
    public static INDArray swap(INDArray x) {
        long n = LossArgs.requireTwoViews("x", x);
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        out.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).assign(x.get(NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all()));
        out.get(NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all()).assign(x.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()));
        return out;
    }
}
