package io.sslbench.core.nn.bn;

import io.sslbench.core.util.Randoms;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Batch shuffling around a network, as lightly's {@code batch_shuffle} / {@code batch_unshuffle}
 * ({@code lightly/models/utils.py}) and MoCo's {@code _batch_shuffle_ddp}: ShuffleBN is these two
 * calls around the key encoder, so that the per-group batch statistics of the keys do not line up
 * with the query batch's groups.
 *
 * <p>Convention: {@code shuffled[i] = x[perm[i]]} along dimension 0;
 * {@code unshuffle(shuffled, perm) == x} exactly (rows are copied, never recomputed).
 */
public final class BatchShuffle {
    private BatchShuffle() {}

    /**
     * A shuffled batch and the permutation that produced it.
     *
     * @param batch the shuffled batch, {@code batch[i] = x[perm[i]]}, same shape as the input
     * @param perm  a permutation of {@code 0..N-1}
     */
    public record Shuffled(INDArray batch, int[] perm) {
        public Shuffled {
            Objects.requireNonNull(batch, "batch");
            Objects.requireNonNull(perm, "perm");
            checkPermutation(perm, batch.size(0));
            perm = perm.clone();
        }

        @Override
        public int[] perm() {
            return perm.clone();
        }

        @Override
        public String toString() {
            return "Shuffled[batch=" + Arrays.toString(batch.shape()) + ", perm=" + Arrays.toString(perm) + "]";
        }
    }

    /**
     * Shuffles the rows (dimension 0) of {@code x} with a uniformly random permutation
     * (Fisher-Yates driven by {@code rng}, so a seeded generator reproduces it).
     *
     * @param x   batch of shape {@code [N, ...]}, any rank {@code >= 1}, {@code N >= 1}; not modified
     * @param rng source of randomness (advanced by {@code N - 1} draws)
     * @return the new array {@code x[perm]} of shape {@code [N, ...]} and {@code perm}
     */
    public static Shuffled shuffle(INDArray x, SplittableRandom rng) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(rng, "rng");
        if (x.rank() < 1 || x.size(0) < 1) {
            throw new IllegalArgumentException("batch_shuffle needs a batch of at least one row; got shape "
                    + Arrays.toString(x.shape()));
        }
        int[] perm = randomPermutation(Math.toIntExact(x.size(0)), rng);
        return new Shuffled(takeRows(x, perm), perm);
    }

    /**
     * Undoes {@link #shuffle}: {@code out[perm[i]] = y[i]}.
     *
     * @param y    batch of shape {@code [N, ...]} in shuffled order (for instance a network's output
     *             on the shuffled batch); not modified
     * @param perm the permutation returned by {@link #shuffle}, length {@code N}
     * @return a new array of the shape of {@code y} in the original order
     */
    public static INDArray unshuffle(INDArray y, int[] perm) {
        Objects.requireNonNull(y, "y");
        Objects.requireNonNull(perm, "perm");
        checkPermutation(perm, y.size(0));
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[perm[i]] = i;
        }
        return takeRows(y, inverse);
    }

    /**
     * A uniformly random permutation of {@code 0..n-1} (Fisher-Yates).
     *
     * @param n   length, {@code >= 0}
     * @param rng source of randomness
     * @return the permutation
     */
    public static int[] randomPermutation(int n, SplittableRandom rng) {
        return Randoms.permutation(n, rng);
    }

    /** {@code out[i] = x[idx[i]]} along dimension 0, as a new c-order array. */
    static INDArray takeRows(INDArray x, int[] idx) {
        long n = x.size(0);
        long[] shape = x.shape();
        long rest = n == 0 ? 0 : x.length() / n;
        INDArray rows = x.rank() == 2 && x.ordering() == 'c' ? x : x.reshape('c', n, rest);
        INDArray out = Nd4j.pullRows(rows, 1, idx, 'c');
        long[] outShape = shape.clone();
        outShape[0] = idx.length;
        return out.reshape('c', outShape);
    }

    private static void checkPermutation(int[] perm, long n) {
        if (perm.length != n) {
            throw new IllegalArgumentException("permutation has length " + perm.length + " but the batch has "
                    + n + " rows");
        }
        boolean[] seen = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int p = perm[i];
            if (p < 0 || p >= perm.length || seen[p]) {
                throw new IllegalArgumentException("not a permutation of 0.." + (perm.length - 1) + ": entry "
                        + i + " is " + p);
            }
            seen[p] = true;
        }
    }
}
