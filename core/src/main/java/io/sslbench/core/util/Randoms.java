package io.sslbench.core.util;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Reproducible random arrays drawn with plain Java generators. ND4J's native generators proved not to
 * repeat a draw for a given seed once other ND4J work had run in the process (seen in this harness),
 * so anything whose values must depend only on a seed (synthetic data, queue initialisation) uses this.
 */
public final class Randoms {
    private Randoms() {}

    /** @return an array of the given shape with i.i.d. N(0, std²) entries (Box-Muller), in {@code type} */
    public static INDArray gaussian(SplittableRandom rng, long[] shape, double std, DataType type) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("array too large for a Java-drawn gaussian: " + n);
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i += 2) {
            double u1 = Math.max(rng.nextDouble(), 1e-300);
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1)) * std;
            v[i] = r * Math.cos(2 * Math.PI * u2);
            if (i + 1 < v.length) {
                v[i + 1] = r * Math.sin(2 * Math.PI * u2);
            }
        }
        return Nd4j.create(v, shape, 'c').castTo(type);
    }
}
