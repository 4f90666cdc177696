package io.sslbench.core.engine;

import io.sslbench.core.loss.LossResult;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

import java.util.function.BiFunction;

/**
 * The loss of a self-supervised method inside the graph. The engine binds, per step, a function
 * {@code (headOutput [B,D], targets) -> LossResult} whose first gradient is dL/dheadOutput of the
 * MEAN loss; the engine's optimiser uses gradients as they come (no division by the batch size).
 */
public final class ExternalLoss extends BoundLoss {
    @JsonIgnore
    private transient BiFunction<INDArray, INDArray, LossResult> fn;
    @JsonIgnore
    private transient LossResult last;
    @JsonIgnore
    private transient INDArray lastOutput;

    /** Binds the loss for the next pass and clears the cache. */
    void bind(BiFunction<INDArray, INDArray, LossResult> fn) {
        this.fn = fn;
        this.last = null;
        this.lastOutput = null;
        reset();
    }

    /** @return the full result of the last pass (value, gradients), or null */
    LossResult last() {
        return last;
    }

    /** @return a detached copy of the head output of the last pass */
    INDArray lastOutput() {
        return lastOutput;
    }

    @Override
    protected Pair<Double, INDArray> evaluate(INDArray labels, INDArray preOutput) {
        if (fn == null) {
            throw new IllegalStateException("ExternalLoss used without a bound loss: train through io.sslbench.core.engine.Trainer");
        }
        // outside DL4J's layer workspaces: the results outlive this pass (monitor, queue, probe)
        try (MemoryWorkspace ignored =
                     Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            lastOutput = preOutput.dup();
            last = fn.apply(lastOutput, labels);
        }
        INDArray g = last.gradient(0);
        if (g == null) {
            throw new IllegalStateException("the method's loss returned no gradient for the online output");
        }
        return Pair.of(last.value(), g);
    }

    @Override
    public String name() {
        return "ExternalLoss";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExternalLoss;
    }

    @Override
    public int hashCode() {
        return 17;
    }
}
