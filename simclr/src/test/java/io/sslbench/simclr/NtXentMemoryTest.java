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

import java.util.stream.Stream;

import static io.sslbench.simclr.NtXentLossTest.array;
import static io.sslbench.simclr.NtXentLossTest.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NT-Xent with SimCLR v2's MoCo-style memory of negatives ({@link NtXentLoss#withMemory}). */
class NtXentMemoryTest {

    /**
     * The loss transcribed from its definition with loops: for anchor i with positive p(i),
     * l_i = -log( exp(s_ip/tau) / (sum_{k != i, k < 2N} exp(s_ik/tau) + sum_{q < K} exp(s_iq/tau)) ),
     * s the cosine similarity, summed over the 2N anchors and divided by N (the two views' means summed, the official
     * scale of the plain loss).
     */
    static double naive(double[][] z, double[][] memory, double tau) {
        int m = z.length, n = m / 2;
        double total = 0;
        for (int i = 0; i < m; i++) {
            int p = (i + n) % m;
            double denominator = 0;
            for (int k = 0; k < m; k++) {
                if (k != i) {
                    denominator += Math.exp(cosine(z[i], z[k]) / tau);
                }
            }
            for (double[] c : memory) {
                denominator += Math.exp(cosine(z[i], c) / tau);
            }
            total += -Math.log(Math.exp(cosine(z[i], z[p]) / tau) / denominator);
        }
        return total / n;
    }

    private static double cosine(double[] a, double[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int d = 0; d < a.length; d++) {
            ab += a[d] * b[d];
            aa += a[d] * a[d];
            bb += b[d] * b[d];
        }
        return ab / (Math.sqrt(aa) * Math.sqrt(bb));
    }

    /** K random unit rows [K, D], as a FeatureQueue holds them. */
    static double[][] unitRows(int k, int d, long seed) {
        double[][] x = gaussian(k, d, seed);
        for (double[] row : x) {
            double norm = Math.sqrt(cosineNorm2(row));
            for (int j = 0; j < d; j++) {
                row[j] /= norm;
            }
        }
        return x;
    }

    private static double cosineNorm2(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return s;
    }

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of(1, 3, 0.5, 1), Arguments.of(2, 4, 0.1, 8), Arguments.of(3, 8, 0.07, 6),
                Arguments.of(8, 16, 0.5, 64), Arguments.of(8, 5, 0.01, 16), Arguments.of(16, 32, 0.2, 256),
                Arguments.of(4, 7, 1.0, 3));
    }

    @ParameterizedTest(name = "N={0} D={1} tau={2} K={3}")
    @MethodSource("sizes")
    void matchesTheNaiveLoopInDouble(int n, int d, double tau, int k) {
        double[][] z = gaussian(2 * n, d, 41L * n + d);
        double[][] memory = unitRows(k, d, 13L * k + d);
        double expected = naive(z, memory, tau);
        for (boolean unshifted : new boolean[]{true, false}) {
            double actual = NtXentLoss.compute(array(z, DataType.DOUBLE), array(memory, DataType.DOUBLE), tau,
                    unshifted).value();
            assertEquals(expected, actual, 1e-10 * Math.max(1, Math.abs(expected)), "unshifted exp allowed: " + unshifted);
        }
    }

    @ParameterizedTest(name = "N={0} D={1} tau={2} K={3}")
    @MethodSource("sizes")
    void floatAgreesWithTheNaiveLoop(int n, int d, double tau, int k) {
        double[][] z = gaussian(2 * n, d, 5L * n + d);
        double[][] memory = unitRows(k, d, 17L * k + d);
        double expected = naive(z, memory, tau);
        for (boolean unshifted : new boolean[]{true, false}) {
            LossResult r = NtXentLoss.compute(array(z, DataType.FLOAT), array(memory, DataType.FLOAT), tau, unshifted);
            assertEquals(expected, r.value(), 2e-5 * Math.max(1, Math.abs(expected)), "unshifted exp allowed: " + unshifted);
            assertEquals(DataType.FLOAT, r.gradient(0).dataType());
        }
    }

    @ParameterizedTest(name = "N={0}, K={1}")
    @MethodSource("collinearCases")
    void collinearEmbeddingsAndKeysGiveLogTwoNMinusOnePlusKAndNoGradient(int n, int k) {
        // every embedding and key a positive multiple of v: every similarity is 1, so
        // l(i) = -log(e / ((2N - 1) e + K e)) = log(2N - 1 + K); the two views' means summed: 2 log(2N - 1 + K)
        double[] v = {0.3, -1.2, 2.0, 0.5};
        double norm = Math.sqrt(cosineNorm2(v));
        double[][] z = new double[2 * n][v.length];
        double[][] memory = new double[k][v.length];
        for (int d = 0; d < v.length; d++) {
            for (int i = 0; i < 2 * n; i++) {
                z[i][d] = (1 + i) * v[d];
            }
            for (int q = 0; q < k; q++) {
                memory[q][d] = v[d] / norm;
            }
        }
        for (boolean unshifted : new boolean[]{true, false}) {
            LossResult r = NtXentLoss.compute(array(z, DataType.DOUBLE), array(memory, DataType.DOUBLE), 0.1, unshifted);
            assertEquals(2 * Math.log(2 * n - 1 + k), r.value(), 1e-9, "unshifted exp allowed: " + unshifted);
            assertEquals(0, r.gradient(0).norm2Number().doubleValue(), 1e-9);
        }
    }

    static Stream<Arguments> collinearCases() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(2, 8), Arguments.of(5, 3), Arguments.of(64, 4096));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"DOUBLE", "FLOAT"})
    void noMemoryIsExactlyThePlainLoss(String type) {
        DataType t = DataType.valueOf(type);
        INDArray z = array(gaussian(12, 6, 3), t);
        for (double tau : new double[]{0.5, 0.01}) {
            LossResult plain = NtXentLoss.compute(z, tau);
            for (INDArray none : new INDArray[]{null, Nd4j.create(t, 0, 6)}) {
                LossResult r = NtXentLoss.withMemory(z, none, tau);
                // exact: a null or [0, D] memory is turned into null before any arithmetic, so both calls run the
                // same ops on the same array (a memory path that merely happens to agree would need a tolerance)
                assertEquals(plain.value(), r.value(), 0.0, "K = 0 must be the plain NT-Xent, bit for bit");
                assertEquals(plain.gradient(0), r.gradient(0));
            }
        }
    }

    @Test
    void memoryOrderDoesNotMatterAndExtraNegativesRaiseTheLoss() {
        INDArray z = array(gaussian(8, 5, 21), DataType.DOUBLE);
        INDArray memory = array(unitRows(6, 5, 22), DataType.DOUBLE);
        INDArray reversed = memory.getRows(5, 4, 3, 2, 1, 0);
        LossResult a = NtXentLoss.withMemory(z, memory, 0.2);
        LossResult b = NtXentLoss.withMemory(z, reversed, 0.2);
        assertEquals(a.value(), b.value(), 1e-12);
        assertTrue(a.gradient(0).equalsWithEps(b.gradient(0), 1e-12));
        // every extra term in the denominator is positive
        assertTrue(a.value() > NtXentLoss.compute(z, 0.2).value());
    }

    static Stream<Arguments> gradCases() {
        return Stream.of(Arguments.of(1, 3, 0.5, 2), Arguments.of(2, 3, 0.1, 4), Arguments.of(3, 2, 1.0, 1),
                Arguments.of(2, 2, 0.05, 6));
    }

    @ParameterizedTest(name = "N={0} D={1} tau={2} K={3}")
    @MethodSource("gradCases")
    void gradientMatchesFiniteDifferences(int n, int d, double tau, int k) {
        INDArray z = array(gaussian(2 * n, d, 200L + n), DataType.DOUBLE);
        INDArray memory = array(unitRows(k, d, 300L + k), DataType.DOUBLE);
        for (boolean unshifted : new boolean[]{true, false}) {
            INDArray grad = NtXentLoss.compute(z, memory, tau, unshifted).gradient(0);
            double err = GradCheck.maxRelativeError(x -> NtXentLoss.compute(x, memory, tau, unshifted).value(), z,
                    grad, 1e-6);
            assertTrue(err < 1e-6, "unshifted exp allowed: " + unshifted + ", max relative error " + err);
        }
    }

    @ParameterizedTest(name = "N={0} D={1} tau={2} K={3}")
    @MethodSource("sizes")
    void bothSoftmaxPathsGiveTheSameGradientInFloat(int n, int d, double tau, int k) {
        INDArray z = array(gaussian(2 * n, d, 91L + n), DataType.FLOAT);
        INDArray memory = array(unitRows(k, d, 92L + k), DataType.FLOAT);
        INDArray a = NtXentLoss.compute(z, memory, tau, true).gradient(0);
        INDArray b = NtXentLoss.compute(z, memory, tau, false).gradient(0);
        double scale = Math.max(1e-3, a.amaxNumber().doubleValue());
        assertTrue(a.sub(b).amaxNumber().doubleValue() < 1e-4 * scale, "paths differ: " + a.sub(b).amaxNumber());
    }

    @Test
    void doesNotModifyItsInputsAndDetachesTheGradient() {
        INDArray z = array(gaussian(6, 3, 4), DataType.FLOAT);
        INDArray memory = array(unitRows(4, 3, 5), DataType.FLOAT);
        INDArray zCopy = z.dup(), memoryCopy = memory.dup();
        LossResult r = NtXentLoss.withMemory(z, memory, 0.1);
        assertEquals(zCopy, z);
        assertEquals(memoryCopy, memory);
        assertEquals(1, r.gradients().length, "the memory is a constant: one gradient, for z");
        assertFalse(r.gradient(0).isAttached());
    }

    @Test
    void rejectsAMemoryOfAnotherWidthTypeOrRank() {
        INDArray z = array(gaussian(4, 3, 1), DataType.FLOAT);
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> NtXentLoss.withMemory(z, Nd4j.ones(DataType.FLOAT, 5, 4), 0.1));
        assertTrue(width.getMessage().contains("memory dimension 4"), width.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> NtXentLoss.withMemory(z, Nd4j.ones(DataType.DOUBLE, 5, 3), 0.1));
        assertTrue(type.getMessage().contains("data type"), type.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> NtXentLoss.withMemory(z, Nd4j.ones(DataType.FLOAT, 3), 0.1));
        assertTrue(rank.getMessage().contains("memory"), rank.getMessage());
    }
}
