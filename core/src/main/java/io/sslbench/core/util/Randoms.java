package io.sslbench.core.util;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * Reproducible random arrays drawn with plain Java generators. ND4J's native generators proved not to
 * repeat a draw for a given seed once other ND4J work had run in the process (seen in this harness),
 * so anything whose values must depend only on a seed (synthetic data, queue initialisation) uses this.
 */
public final class Randoms {
    private Randoms() {}

    /** The seed {@link #nd4jSeed} gives ND4J/DL4J in place of 0. */
    public static final long ZERO_SEED_REPLACEMENT = 0x5EED_0000_0000_0001L;

    /**
     * The seed to hand to ND4J / DL4J ({@code Nd4j.getRandom().setSeed}, {@code NeuralNetConfiguration.Builder.seed})
     * for a harness seed. ND4J 1.0.0-M2.1's native generator ignores {@code setSeed(0)}: the state is not
     * reset, so two networks built "with seed 0" differ (measured: the same config at seed 0 gave a
     * different random-init kNN floor on every build, seed 1 the same one every time). Every non-zero seed
     * passes unchanged; 0 becomes {@link #ZERO_SEED_REPLACEMENT}.
     *
     * @param seed the harness seed (any long)
     * @return a non-zero seed, equal to {@code seed} unless {@code seed == 0}
     */
    public static long nd4jSeed(long seed) {
        return seed != 0 ? seed : ZERO_SEED_REPLACEMENT;
    }

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

    /**
     * Fisher-Yates shuffle in place, from the last element down: {@code j = nextInt(i + 1)} for i = n-1..1, then swap
     * a[i] and a[j]. The one shuffle of the harness (data order, ShuffleBN, colour-jitter order, fine-tuning batches),
     * whatever the generator.
     *
     * @param nextInt the generator's {@code nextInt(bound)}, uniform in [0, bound)
     */
    public static void shuffle(int[] a, IntUnaryOperator nextInt) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt.applyAsInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** @return a uniformly random permutation of 0..n-1 ({@link #shuffle} of the identity) */
    public static int[] permutation(int n, SplittableRandom rng) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation length must be >= 0, got " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, rng::nextInt);
        return p;
    }
}
