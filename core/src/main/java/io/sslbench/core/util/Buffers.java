package io.sslbench.core.util;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/** Direct access to the float elements of dense ND4J arrays, for the Java kernels of the fast layers and optimiser. */
public final class Buffers {
    private Buffers() {}

    /** {@code a} itself when {@link #denseRowMajor dense}, else a dense c-order copy. */
    public static INDArray dense(INDArray a) {
        return denseRowMajor(a) ? a : a.dup('c');
    }

    /** Whether the elements of {@code a} lie in c order without gaps (strides of size-1 dimensions do not matter). */
    public static boolean denseRowMajor(INDArray a) {
        long expected = 1;
        long[] shape = a.shape(), stride = a.stride();
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** Whether the elements of {@code a} lie in f order without gaps (strides of size-1 dimensions do not matter). */
    public static boolean denseColumnMajor(INDArray a) {
        long expected = 1;
        long[] shape = a.shape(), stride = a.stride();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /**
     * Whether elementwise kernels may run over the raw buffers of {@code arrays} together: all FLOAT with fewer than
     * 2^31 elements, the same shape and strides, and dense (in c or f order), so buffer index i is the same element
     * of each.
     */
    public static boolean sameDenseLayout(INDArray... arrays) {
        INDArray first = arrays[0];
        if (first.dataType() != DataType.FLOAT || first.length() >= Integer.MAX_VALUE
                || !(denseRowMajor(first) || denseColumnMajor(first))) {
            return false;
        }
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || !Arrays.equals(a.shape(), first.shape())
                    || !Arrays.equals(a.stride(), first.stride())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The elements of {@code a} as a float buffer indexed from 0 in memory order (c order for a
     * {@link #denseRowMajor} array); {@code a} must be FLOAT and dense in c or f order, with fewer than 2^31 elements.
     */
    public static FloatBuffer floats(INDArray a) {
        if (!denseRowMajor(a) && !denseColumnMajor(a)) {
            throw new IllegalArgumentException("expected a dense array, got strides "
                    + Arrays.toString(a.stride()) + " for shape " + Arrays.toString(a.shape()));
        }
        FloatPointer p = pointer(a);
        p.position(0).capacity(a.length()).limit(a.length());
        return p.asBuffer();
    }

    /**
     * A native pointer at the first element of a FLOAT array (for BLAS and oneDNN calls on dense arrays): ND4J views
     * carry their offset in {@code addressPointer()}, so it already points there.
     */
    public static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }
}
