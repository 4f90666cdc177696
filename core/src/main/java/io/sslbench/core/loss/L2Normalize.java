package io.sslbench.core.loss;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.Objects;

/**
 * Row-wise L2 normalisation with its backward pass, shared by every loss that works on the unit
 * sphere (NT-Xent, InfoNCE, BYOL/SimSiam cosine losses).
 *
 * <p>Forward, as {@code torch.nn.functional.normalize(x, dim=1)} and {@code tf.math.l2_normalize}
 * do it: {@code u_i = x_i / max(||x_i||, EPS)}.
 *
 * <p>Backward: for rows with {@code ||x_i|| >= EPS},
 * {@code dL/dx_i = (g_i - u_i (u_i . g_i)) / ||x_i||} (the component of {@code g_i = dL/du_i}
 * tangent to the sphere, scaled); for rows below {@code EPS} the denominator is the constant
 * {@code EPS}, so {@code dL/dx_i = g_i / EPS}.
 */
public final class L2Normalize {
    /** Lower clamp on the norm, the default of {@code torch.nn.functional.normalize}. */
    public static final double EPS = 1e-12;

    private L2Normalize() {}

    /**
     * What the forward pass keeps for the backward pass.
     *
     * @param unit   {@code u = x / max(||x||, EPS)}, shape [M, D], a new array
     * @param denom  {@code max(||x_i||, EPS)}, shape [M]
     * @param clamped whether some row had {@code ||x_i|| < EPS}
     */
    public record Normalized(INDArray unit, INDArray denom, boolean clamped) {
        public Normalized {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(denom, "denom");
        }
    }

    /**
     * @param x    rows to normalise, shape [M, D], floating point; not modified
     * @param name the argument's name, used in error messages
     * @return the unit rows and the clamped norms
     */
    public static Normalized forward(INDArray x, String name) {
        requireMatrix(x, name);
        INDArray norms = x.norm2(1);
        boolean clamped = norms.minNumber().doubleValue() < EPS;
        INDArray denom = clamped ? Transforms.max(norms, EPS, false) : norms;
        return new Normalized(x.divColumnVector(denom), denom, clamped);
    }

    /**
     * Back-propagates through {@link #forward}, overwriting {@code gradUnit}.
     *
     * @param n        the forward pass's result
     * @param gradUnit dL/du, shape [M, D]; overwritten with dL/dx
     * @return {@code gradUnit}, now holding dL/dx, shape [M, D]
     */
    public static INDArray backwardInPlace(Normalized n, INDArray gradUnit) {
        INDArray u = n.unit();
        if (!Arrays.equals(u.shape(), gradUnit.shape())) {
            throw new IllegalArgumentException("gradient shape " + Arrays.toString(gradUnit.shape())
                    + " does not match the normalised rows " + Arrays.toString(u.shape()));
        }
        // radial component u_i . g_i, removed below; rows that were clamped keep their full gradient
        INDArray radial = u.mul(gradUnit).sum(1);
        if (n.clamped()) {
            radial.muli(n.denom().gt(EPS).castTo(radial.dataType()));
        }
        gradUnit.subi(u.mulColumnVector(radial));
        return gradUnit.diviColumnVector(n.denom());
    }

    /**
     * Checks that {@code x} is a floating-point matrix with at least one row and one column.
     *
     * @param x    the array
     * @param name its name in error messages
     */
    public static void requireMatrix(INDArray x, String name) {
        if (x == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (x.rank() != 2) {
            throw new IllegalArgumentException(name + " must be a matrix [rows, dim], got shape "
                    + Arrays.toString(x.shape()));
        }
        if (x.rows() < 1 || x.columns() < 1) {
            throw new IllegalArgumentException(name + " is empty: shape " + Arrays.toString(x.shape()));
        }
        DataType t = x.dataType();
        if (!t.isFPType()) {
            throw new IllegalArgumentException(name + " must be floating point, got " + t);
        }
    }
}
