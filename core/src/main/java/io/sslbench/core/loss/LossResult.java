package io.sslbench.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Objects;

/**
 * Value and gradient of a loss, returned together (Tribuo's {@code lossAndGradient} shape).
 *
 * @param value     the scalar loss (already averaged the way the paper averages it)
 * @param gradients dL/d(input_i) for each input the loss was called with, in the same order and
 *                  with the same shapes; an entry is {@code null} where the input is detached
 *                  (stop-gradient) and receives no gradient
 */
public record LossResult(double value, INDArray... gradients) {
    public LossResult {
        Objects.requireNonNull(gradients, "gradients");
        gradients = gradients.clone();
    }

    /** @return the gradient with respect to input {@code i} */
    public INDArray gradient(int i) {
        return gradients[i];
    }

    @Override
    public INDArray[] gradients() {
        return gradients.clone();
    }

    @Override
    public String toString() {
        return "LossResult[value=" + value + ", gradients=" + Arrays.stream(gradients)
                .map(g -> g == null ? "detached" : Arrays.toString(g.shape())).toList() + "]";
    }
}
