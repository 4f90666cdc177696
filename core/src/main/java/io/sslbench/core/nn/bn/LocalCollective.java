package io.sslbench.core.nn.bn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one-worker {@link Collective}: world size 1, rank 0; both operations return a copy of
 * the input (a sum or a concatenation over one worker is the worker's own array). Stateless and
 * shareable.
 */
public final class LocalCollective implements Collective {

    /** The shared instance (the class has no state). */
    public static final LocalCollective INSTANCE = new LocalCollective();

    private LocalCollective() {}

    /** @return 1 */
    @Override
    public int worldSize() {
        return 1;
    }

    /** @return 0 */
    @Override
    public int rank() {
        return 0;
    }

    /** @return a detached copy of {@code x} (the sum over the single worker) */
    @Override
    public INDArray allReduceSum(INDArray x) {
        return x.dup();
    }

    /** @return a detached copy of {@code x} (the concatenation over the single worker) */
    @Override
    public INDArray allGather(INDArray x) {
        return x.dup();
    }

    @Override
    public String toString() {
        return "LocalCollective";
    }
}
