package io.sslbench.core.nn.bn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class BatchShuffleTest {

    @Test
    void unshuffleOfShuffleIsExactlyTheInput() {
        Nd4j.getRandom().setSeed(7);
        for (long[] shape : new long[][]{{1, 3}, {2, 5}, {9}, {6, 3, 4, 4}, {17, 2, 3}}) {
            INDArray x = Nd4j.randn(DataType.FLOAT, shape);
            INDArray before = x.dup();
            BatchShuffle.Shuffled s = BatchShuffle.shuffle(x, new SplittableRandom(11));
            assertArrayEquals(shape, s.batch().shape());
            assertEquals(before, x, "shuffle must not modify its input");
            INDArray back = BatchShuffle.unshuffle(s.batch(), s.perm());
            assertArrayEquals(shape, back.shape());
            assertEquals(x, back, "round trip must be bit-exact for shape " + java.util.Arrays.toString(shape));
        }
    }

    @Test
    void shuffledRowIIsInputRowPermI() {
        INDArray x = Nd4j.arange(0, 5 * 2 * 3).castTo(DataType.DOUBLE).reshape(5, 2, 3);
        BatchShuffle.Shuffled s = BatchShuffle.shuffle(x, new SplittableRandom(3));
        int[] p = s.perm();
        for (int i = 0; i < p.length; i++) {
            assertEquals(x.get(NDArrayIndex.point(p[i]), NDArrayIndex.all(), NDArrayIndex.all()),
                    s.batch().get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all()));
        }
    }

    @Test
    void permutationReallyMovesRows() {
        // a 64-row batch: the identity has probability 1/64!, so one seed is enough
        int[] p64 = BatchShuffle.randomPermutation(64, new SplittableRandom(42));
        int fixed = 0;
        for (int i = 0; i < 64; i++) {
            fixed += p64[i] == i ? 1 : 0;
        }
        assertTrue(fixed < 64, "a 64-row shuffle returned the identity");

        // over many seeds each row stays in place with probability 1/N (leaves with (N-1)/N),
        // and for N = 2, 3 the identity appears with probability 1/N!
        int seeds = 4000;
        for (int n : new int[]{2, 3, 8}) {
            int[] stays = new int[n];
            int identities = 0;
            for (int seed = 0; seed < seeds; seed++) {
                int[] p = BatchShuffle.randomPermutation(n, new SplittableRandom(seed));
                boolean id = true;
                for (int i = 0; i < n; i++) {
                    if (p[i] == i) {
                        stays[i]++;
                    } else {
                        id = false;
                    }
                }
                identities += id ? 1 : 0;
            }
            double pStay = 1.0 / n;
            double sd = Math.sqrt(seeds * pStay * (1 - pStay));
            for (int i = 0; i < n; i++) {
                assertEquals(seeds * pStay, stays[i], 5 * sd, "N=" + n + " row " + i + " stayed " + stays[i] + " times");
            }
            double pId = 1.0 / factorial(n);
            double sdId = Math.sqrt(seeds * pId * (1 - pId));
            assertEquals(seeds * pId, identities, Math.max(5 * sdId, 1), "N=" + n + " identities");
        }
    }

    @Test
    void everyPermutationOfThreeIsEquallyLikely() {
        int seeds = 6000;
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (int seed = 0; seed < seeds; seed++) {
            counts.merge(java.util.Arrays.toString(BatchShuffle.randomPermutation(3, new SplittableRandom(seed))), 1, Integer::sum);
        }
        assertEquals(6, counts.size());
        double chi2 = 0;
        for (int c : counts.values()) {
            chi2 += Math.pow(c - seeds / 6.0, 2) / (seeds / 6.0);
        }
        assertTrue(chi2 < 20.5, "chi-square with 5 d.o.f. is " + chi2 + " (p < 0.001 above 20.5)");
    }

    @Test
    void sameSeedSamePermutation() {
        INDArray x = Nd4j.randn(DataType.FLOAT, 10, 4);
        assertArrayEquals(BatchShuffle.shuffle(x, new SplittableRandom(5)).perm(),
                BatchShuffle.shuffle(x, new SplittableRandom(5)).perm());
    }

    @Test
    void badInputIsRejected() {
        INDArray y = Nd4j.zeros(DataType.FLOAT, 3, 2);
        assertThrows(IllegalArgumentException.class, () -> BatchShuffle.unshuffle(y, new int[]{0, 1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchShuffle.unshuffle(y, new int[]{0, 1, 1}));
        assertTrue(e.getMessage().contains("not a permutation"), e.getMessage());
    }

    private static double factorial(int n) {
        double f = 1;
        for (int i = 2; i <= n; i++) {
            f *= i;
        }
        return f;
    }
}
