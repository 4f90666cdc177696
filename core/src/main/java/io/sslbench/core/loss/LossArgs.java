package io.sslbench.core.loss;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Argument checks shared by the losses: every failure is an {@link IllegalArgumentException} whose
 * message names the argument and states what was expected.
 */
public final class LossArgs {
    private LossArgs() {}

    /**
     * @param name argument name used in the message
     * @param x    must be a non-null rank-2 FLOAT or DOUBLE matrix with at least one row and one column
     *             (half precision is refused: the 1e-12 norm clamp underflows there)
     */
    public static void requireFloatingMatrix(String name, INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (x.rank() != 2) {
            throw new IllegalArgumentException(name + " must be a rank-2 matrix, got shape " + Arrays.toString(x.shape()));
        }
        if (x.size(0) < 1 || x.size(1) < 1) {
            throw new IllegalArgumentException(name + " must have at least one row and one column, got shape "
                    + Arrays.toString(x.shape()));
        }
        if (x.dataType() != DataType.FLOAT && x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(name + " must be FLOAT or DOUBLE, got " + x.dataType());
        }
    }

    /** Both arrays must have the same shape. */
    public static void requireSameShape(String nameA, INDArray a, String nameB, INDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(nameA + " " + Arrays.toString(a.shape()) + " and " + nameB + " "
                    + Arrays.toString(b.shape()) + " must have the same shape");
        }
    }

    /** Both arrays must have the same data type. */
    public static void requireSameType(String nameA, INDArray a, String nameB, INDArray b) {
        if (a.dataType() != b.dataType()) {
            throw new IllegalArgumentException(nameA + " (" + a.dataType() + ") and " + nameB + " (" + b.dataType()
                    + ") must have the same data type");
        }
    }

    /**
     * A two-view batch: a FLOAT or DOUBLE [2N,D] matrix with rows [view1; view2], N >= 1.
     *
     * @return N, the number of samples per view
     */
    public static long requireTwoViews(String name, INDArray x) {
        requireFloatingMatrix(name, x);
        long rows = x.size(0);
        if (rows % 2 != 0) {
            throw new IllegalArgumentException(name + " must have an even number of rows [view1; view2], got "
                    + rows + " (shape " + Arrays.toString(x.shape()) + ")");
        }
        return rows / 2;
    }

    /** {@code value} must be finite and strictly positive. */
    public static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
    }
}
