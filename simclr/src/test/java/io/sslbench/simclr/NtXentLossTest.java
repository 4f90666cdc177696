package io.sslbench.simclr;

import io.sslbench.core.loss.LossResult;
import io.sslbench.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NtXentLossTest {

    // ---------------------------------------------------------------- references

    /**
     * SimCLR Algorithm 1, transcribed literally (double loops, no vectorisation). The paper indexes
     * the two views of image k as 2k-1 and 2k; here they are rows k and N+k.
     */
    static double naiveAlgorithm1(double[][] z, double tau) {
        int m = z.length, n = m / 2;
        double[][] s = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                s[i][j] = dot(z[i], z[j]) / (Math.sqrt(dot(z[i], z[i])) * Math.sqrt(dot(z[j], z[j])));
            }
        }
        double total = 0;
        for (int k = 0; k < n; k++) {
            total += pairLoss(s, k, n + k, tau) + pairLoss(s, n + k, k, tau);
        }
        return total / (2.0 * n);
    }

    /** l(i,j) = -log( exp(s_ij/tau) / sum_{k != i} exp(s_ik/tau) ). */
    private static double pairLoss(double[][] s, int i, int j, double tau) {
        double denominator = 0;
        for (int k = 0; k < s.length; k++) {
            if (k != i) {
                denominator += Math.exp(s[i][k] / tau);
            }
        }
        return -Math.log(Math.exp(s[i][j] / tau) / denominator);
    }

    /**
     * google-research/simclr objective.py add_contrastive_loss, transcribed with loops: per view a
     * softmax cross entropy over [logits_ab, logits_aa - LARGE_NUM * I], mean over the batch, and
     * the two directions summed.
     */
    static double naiveOfficialTf(double[][] z, double tau) {
        final double largeNum = 1e9;
        int n = z.length / 2;
        double[][] h = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            double norm = Math.sqrt(dot(z[i], z[i]));
            h[i] = new double[z[i].length];
            for (int d = 0; d < z[i].length; d++) {
                h[i][d] = z[i][d] / norm;
            }
        }
        double loss = 0;
        for (int view = 0; view < 2; view++) {
            int a = view * n, b = (1 - view) * n;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double[] logits = new double[2 * n];
                for (int j = 0; j < n; j++) {
                    logits[j] = dot(h[a + i], h[b + j]) / tau;                               // logits_ab
                    logits[n + j] = dot(h[a + i], h[a + j]) / tau - (i == j ? largeNum : 0); // logits_aa
                }
                double max = Double.NEGATIVE_INFINITY;
                for (double l : logits) {
                    max = Math.max(max, l);
                }
                double se = 0;
                for (double l : logits) {
                    se += Math.exp(l - max);
                }
                sum += -(logits[i] - max - Math.log(se)); // label one_hot(i, 2N)
            }
            loss += sum / n;
        }
        return loss;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[][] gaussian(int rows, int cols, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[rows][cols];
        for (double[] row : x) {
            for (int d = 0; d < cols; d++) {
                row[d] = r.nextGaussian();
            }
        }
        return x;
    }

    static INDArray array(double[][] x, DataType type) {
        return Nd4j.create(x).castTo(type);
    }

    /** rows [N..2N) then [0..N): the two view blocks swapped. */
    static INDArray swapBlocks(INDArray x) {
        long n = x.rows() / 2;
        return Nd4j.concat(0, x.get(NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all()),
                x.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()));
    }

    // ---------------------------------------------------------------- agreement with the paper

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of(1, 3, 0.5), Arguments.of(2, 1, 0.1), Arguments.of(2, 4, 1.0),
                Arguments.of(3, 8, 0.07), Arguments.of(8, 16, 0.5), Arguments.of(8, 5, 0.01),
                Arguments.of(16, 32, 0.1), Arguments.of(32, 7, 0.2));
    }

    /** The official objective (loss_a + loss_b, each a mean over N), transcribed from objective.py. */
    @ParameterizedTest(name = "N={0} D={1} tau={2}")
    @MethodSource("sizes")
    void matchesTheNaiveOfficialObjectiveInDouble(int n, int d, double tau) {
        double[][] z = gaussian(2 * n, d, 31L * n + d);
        double expected = naiveOfficialTf(z, tau);
        for (boolean unshifted : new boolean[]{true, false}) {
            double actual = NtXentLoss.compute(array(z, DataType.DOUBLE), tau, unshifted).value();
            assertEquals(expected, actual, 1e-10 * Math.max(1, Math.abs(expected)), "unshifted exp allowed: " + unshifted);
        }
    }

    @ParameterizedTest(name = "N={0} D={1} tau={2}")
    @MethodSource("sizes")
    void floatAgreesWithTheNaiveOfficialObjective(int n, int d, double tau) {
        double[][] z = gaussian(2 * n, d, 7L * n + d);
        double expected = naiveOfficialTf(z, tau);
        for (boolean unshifted : new boolean[]{true, false}) {
            LossResult r = NtXentLoss.compute(array(z, DataType.FLOAT), tau, unshifted);
            assertEquals(expected, r.value(), 2e-5 * Math.max(1, Math.abs(expected)), "unshifted exp allowed: " + unshifted);
            assertEquals(DataType.FLOAT, r.gradient(0).dataType());
        }
    }

    @ParameterizedTest(name = "N={0} D={1} tau={2}")
    @MethodSource("sizes")
    void isTwiceTheAlgorithm1MeanAsTheOfficialObjective(int n, int d, double tau) {
        // issue 15: Algorithm 1 averages over the 2N anchors; objective.py sums the two views' means over N
        double[][] z = gaussian(2 * n, d, 3L * n + d);
        double algorithm1 = naiveAlgorithm1(z, tau);
        double ours = NtXentLoss.compute(array(z, DataType.DOUBLE), tau).value();
        assertEquals(2 * algorithm1, ours, 1e-9 * Math.max(1, Math.abs(ours)));
        assertEquals(naiveOfficialTf(z, tau), 2 * algorithm1, 1e-9 * Math.max(1, Math.abs(ours)));
    }

    // ---------------------------------------------------------------- closed forms and invariants

    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {1, 2, 5, 64})
    void collinearEmbeddingsGiveLogTwoNMinusOneAndNoGradient(int n) {
        // all rows c_i * v with c_i > 0: every similarity is 1, so l(i) = -log(1 / (2N - 1)), and the two views'
        // means summed (the official scale) give 2 log(2N - 1)
        double[] v = {0.3, -1.2, 2.0, 0.5};
        double[][] z = new double[2 * n][v.length];
        for (int i = 0; i < 2 * n; i++) {
            for (int d = 0; d < v.length; d++) {
                z[i][d] = (1 + i) * v[d];
            }
        }
        LossResult r = NtXentLoss.compute(array(z, DataType.DOUBLE), 0.1);
        assertEquals(2 * Math.log(2 * n - 1), r.value(), 1e-9);
        assertEquals(0, r.gradient(0).norm2Number().doubleValue(), 1e-9);
    }

    @Test
    void swappingTheViewsKeepsTheValueAndSwapsTheGradient() {
        INDArray z = array(gaussian(12, 6, 5), DataType.DOUBLE);
        LossResult a = NtXentLoss.compute(z, 0.2);
        LossResult b = NtXentLoss.compute(swapBlocks(z), 0.2);
        assertEquals(a.value(), b.value(), 1e-12);
        assertTrue(swapBlocks(a.gradient(0)).equalsWithEps(b.gradient(0), 1e-12));
    }

    @Test
    void permutingImagesInBothViewsPermutesTheGradient() {
        int n = 5;
        INDArray z = array(gaussian(2 * n, 3, 9), DataType.DOUBLE);
        int[] perm = {3, 0, 4, 1, 2};
        long[] rows = new long[2 * n];
        for (int i = 0; i < n; i++) {
            rows[i] = perm[i];
            rows[n + i] = n + perm[i];
        }
        LossResult a = NtXentLoss.compute(z, 0.3);
        LossResult b = NtXentLoss.compute(z.getRows(toInt(rows)), 0.3);
        assertEquals(a.value(), b.value(), 1e-12);
        assertTrue(a.gradient(0).getRows(toInt(rows)).equalsWithEps(b.gradient(0), 1e-12));
    }

    @Test
    void scalingRowsKeepsTheValueAndScalesTheGradientInversely() {
        double[][] z = gaussian(8, 4, 11);
        double[] scale = {0.5, 2, 3, 10, 1, 0.1, 7, 4};
        double[][] scaled = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            scaled[i] = z[i].clone();
            for (int d = 0; d < z[i].length; d++) {
                scaled[i][d] *= scale[i];
            }
        }
        LossResult a = NtXentLoss.compute(array(z, DataType.DOUBLE), 0.5);
        LossResult b = NtXentLoss.compute(array(scaled, DataType.DOUBLE), 0.5);
        assertEquals(a.value(), b.value(), 1e-12);
        INDArray expected = a.gradient(0).divColumnVector(Nd4j.createFromArray(scale));
        assertTrue(expected.equalsWithEps(b.gradient(0), 1e-12));
    }

    // ---------------------------------------------------------------- gradient

    static Stream<Arguments> gradCases() {
        return Stream.of(Arguments.of(1, 3, 0.5), Arguments.of(2, 3, 0.1), Arguments.of(3, 2, 1.0),
                Arguments.of(2, 2, 0.05));
    }

    @ParameterizedTest(name = "N={0} D={1} tau={2}")
    @MethodSource("gradCases")
    void gradientMatchesFiniteDifferences(int n, int d, double tau) {
        INDArray z = array(gaussian(2 * n, d, 100L + n), DataType.DOUBLE);
        for (boolean unshifted : new boolean[]{true, false}) {
            INDArray grad = NtXentLoss.compute(z, tau, unshifted).gradient(0);
            double err = GradCheck.maxRelativeError(x -> NtXentLoss.compute(x, tau, unshifted).value(), z, grad, 1e-6);
            assertTrue(err < 1e-6, "unshifted exp allowed: " + unshifted + ", max relative error " + err);
        }
    }

    @ParameterizedTest(name = "N={0} D={1} tau={2}")
    @MethodSource("sizes")
    void bothSoftmaxPathsGiveTheSameGradientInFloat(int n, int d, double tau) {
        INDArray z = array(gaussian(2 * n, d, 77L + n), DataType.FLOAT);
        INDArray a = NtXentLoss.compute(z, tau, true).gradient(0);
        INDArray b = NtXentLoss.compute(z, tau, false).gradient(0);
        double scale = Math.max(1e-3, a.amaxNumber().doubleValue());
        assertTrue(a.sub(b).amaxNumber().doubleValue() < 1e-4 * scale, "paths differ: " + a.sub(b).amaxNumber());
    }

    @Test
    void twoArrayFormEqualsStackedForm() {
        INDArray z1 = array(gaussian(3, 2, 1), DataType.DOUBLE);
        INDArray z2 = array(gaussian(3, 2, 2), DataType.DOUBLE);
        LossResult split = NtXentLoss.compute(z1, z2, 0.1);
        LossResult stacked = NtXentLoss.compute(Nd4j.concat(0, z1, z2), 0.1);
        // exact: the two-array form concatenates and calls the stacked form, the same ops on the same [2N, D] array
        assertEquals(stacked.value(), split.value(), 0);
        assertTrue(Nd4j.concat(0, split.gradient(0), split.gradient(1)).equalsWithEps(stacked.gradient(0), 0));
        double err = GradCheck.maxRelativeError(x -> NtXentLoss.compute(x, z2, 0.1).value(), z1,
                split.gradient(0), 1e-6);
        assertTrue(err < 1e-6, "dL/dz1 max relative error " + err);
    }

    @Test
    void doesNotModifyItsInput() {
        INDArray z = array(gaussian(6, 3, 4), DataType.FLOAT);
        INDArray copy = z.dup();
        NtXentLoss.compute(z, 0.1);
        assertEquals(copy, z);
    }

    @Test
    void gradientOutlivesTheLossWorkspace() {
        LossResult first = NtXentLoss.compute(array(gaussian(6, 3, 1), DataType.FLOAT), 0.1);
        INDArray kept = first.gradient(0).dup();
        NtXentLoss.compute(array(gaussian(6, 3, 2), DataType.FLOAT), 0.1);
        assertFalse(first.gradient(0).isAttached(), "gradient must be detached from the loss's workspace");
        assertEquals(kept, first.gradient(0));
    }

    @Test
    void gradientHasTheInputShapeAndType() {
        INDArray z = array(gaussian(10, 7, 4), DataType.FLOAT);
        LossResult r = NtXentLoss.compute(z, 0.1);
        assertEquals(1, r.gradients().length);
        assertArrayEquals(z.shape(), r.gradient(0).shape());
        assertEquals(DataType.FLOAT, r.gradient(0).dataType());
        assertTrue(Double.isFinite(r.value()));
    }

    // ---------------------------------------------------------------- bad input

    @ParameterizedTest
    @ValueSource(doubles = {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsBadTemperature(double tau) {
        INDArray z = array(gaussian(4, 3, 1), DataType.FLOAT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NtXentLoss.compute(z, tau));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
    }

    @Test
    void rejectsOddRowCount() {
        INDArray z = array(gaussian(5, 3, 1), DataType.FLOAT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NtXentLoss.compute(z, 0.1));
        assertTrue(e.getMessage().contains("even") && e.getMessage().contains("5 rows"), e.getMessage());
    }

    @Test
    void rejectsNonMatricesIntegersNullAndMismatchedViews() {
        assertThrows(IllegalArgumentException.class, () -> NtXentLoss.compute(Nd4j.ones(DataType.FLOAT, 4), 0.1));
        assertThrows(IllegalArgumentException.class, () -> NtXentLoss.compute(Nd4j.ones(DataType.FLOAT, 2, 2, 2), 0.1));
        IllegalArgumentException ints = assertThrows(IllegalArgumentException.class,
                () -> NtXentLoss.compute(Nd4j.ones(DataType.INT, 4, 2), 0.1));
        assertTrue(ints.getMessage().contains("floating point"), ints.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NtXentLoss.compute(null, 0.1));
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> NtXentLoss.compute(Nd4j.ones(DataType.FLOAT, 3, 4), Nd4j.ones(DataType.FLOAT, 3, 5), 0.1));
        assertTrue(dim.getMessage().contains("same shape"), dim.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NtXentLoss.compute(Nd4j.ones(DataType.FLOAT, 3, 4), Nd4j.ones(DataType.DOUBLE, 3, 4), 0.1));
    }

    private static int[] toInt(long[] x) {
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = (int) x[i];
        }
        return r;
    }
}
