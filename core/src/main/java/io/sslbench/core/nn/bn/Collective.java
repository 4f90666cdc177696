package io.sslbench.core.nn.bn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The few collective operations that synchronised batch normalisation needs, so that a
 * multi-worker backend (threads, processes, devices) can be plugged in later without touching
 * the layer. Every worker of a group calls the same operations in the same order with arrays of
 * the same shape (apart from dimension 0 for {@link #allGather}); an implementation blocks until
 * all workers have contributed.
 *
 * <p>{@link LocalCollective} is the single-process implementation (world size 1).
 */
public interface Collective {

    /** @return the number of workers taking part, {@code >= 1} */
    int worldSize();

    /** @return this worker's index in {@code [0, worldSize())} */
    int rank();

    /**
     * Element-wise sum over workers: {@code out = sum_k x_k}.
     *
     * @param x this worker's contribution, any shape (identical on every worker); not modified
     * @return a new array of the same shape and data type holding the sum over all workers
     */
    INDArray allReduceSum(INDArray x);

    /**
     * Concatenation over workers along dimension 0, in rank order:
     * {@code out = [x_0; x_1; ...; x_{W-1}]}.
     *
     * @param x this worker's contribution, shape {@code [n_k, ...]} (trailing dimensions identical
     *          on every worker); not modified
     * @return a new array of shape {@code [sum_k n_k, ...]}
     */
    INDArray allGather(INDArray x);
}
