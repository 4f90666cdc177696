package io.sslbench.core.nn.fast;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/** Direct access to the float elements of dense ND4J arrays, for the fast layers' Java kernels. */
final class Buffers {
    private Buffers() {}

    /** {@code a} itself when {@link #denseRowMajor dense}, else a dense c-order copy. */
    static INDArray dense(INDArray a) {
        return denseRowMajor(a) ? a : a.dup('c');
    }

    /** Whether the elements of {@code a} lie in c order without gaps (strides of size-1 dimensions do not matter). */
    static boolean denseRowMajor(INDArray a) {
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

    /**
     * The elements of {@code a} as a float buffer indexed from 0 in c order; {@code a} must be FLOAT and
     * {@link #denseRowMajor dense}, with fewer than 2^31 elements.
     */
    static FloatBuffer floats(INDArray a) {
        if (!denseRowMajor(a)) {
            throw new IllegalArgumentException("expected a dense c-order array, got strides "
                    + Arrays.toString(a.stride()) + " for shape " + Arrays.toString(a.shape()));
        }
        // addressPointer() already points at the array's first element (ND4J views carry their offset in the buffer)
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        p.position(0).capacity(a.length()).limit(a.length());
        return p.asBuffer();
    }
}
