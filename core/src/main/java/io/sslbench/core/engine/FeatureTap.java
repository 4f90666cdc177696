package io.sslbench.core.engine;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

/**
 * A zero-loss output on the encoder's pooled features: it records a detached copy of the features
 * seen in the training pass (for the online linear probe and the collapse monitor) and sends back a
 * zero gradient, so it changes nothing in training.
 */
public final class FeatureTap extends BoundLoss {
    @JsonIgnore
    private transient INDArray features;

    /** @return the features of the last pass (detached copy), or null */
    INDArray features() {
        return features;
    }

    @Override
    protected Pair<Double, INDArray> evaluate(INDArray labels, INDArray preOutput) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            features = preOutput.dup();
        }
        return Pair.of(0.0, Nd4j.zeros(preOutput.dataType(), preOutput.shape()));
    }

    @Override
    public String name() {
        return "FeatureTap";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureTap;
    }

    @Override
    public int hashCode() {
        return 31;
    }
}
