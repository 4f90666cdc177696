package io.sslbench.core.nn;

import java.util.Objects;

/**
 * The result of appending an encoder to a graph: where its pooled features come out.
 *
 * @param output     name of the global-average-pooling vertex, shape {@code [N, featureDim]}
 * @param featureDim number of channels of {@code output}
 */
public record Encoder(String output, int featureDim) {
    public Encoder {
        Objects.requireNonNull(output, "Encoder.output");
        if (featureDim < 1) {
            throw new IllegalArgumentException("Encoder.featureDim must be positive, got " + featureDim);
        }
    }
}
