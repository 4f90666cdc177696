package io.sslbench.core.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Objects;

/**
 * What one step forwards through the online network.
 *
 * @param chunks  input tensors forwarded separately (same spatial size within a chunk); their head
 *                outputs are concatenated in this order before the loss
 * @param targets detached targets for the loss (momentum keys, target projections), or null
 */
public record StepInputs(INDArray[] chunks, INDArray targets) {
    public StepInputs {
        Objects.requireNonNull(chunks, "chunks");
        if (chunks.length == 0) {
            throw new IllegalArgumentException("a step needs at least one input chunk");
        }
        chunks = chunks.clone();
    }

    public static StepInputs of(INDArray x) {
        return new StepInputs(new INDArray[]{x}, null);
    }

    public int rows() {
        long n = 0;
        for (INDArray c : chunks) {
            n += c.size(0);
        }
        return (int) n;
    }
}
