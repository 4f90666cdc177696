package io.sslbench.moco;

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

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoNceLossTest {

    // ---------------------------------------------------------------- reference

    /**
     * MoCo Algorithm 1 with the normalisations of facebookresearch/moco builder.py, as loops:
     * l_pos = q.k, l_neg = q.queue, logits = cat([l_pos, l_neg]) / T, cross entropy with label 0,
     * mean over the batch.
     */
    static double naiveMoco(double[][] q, double[][] k, double[][] queue, double tau) {
        int n = q.length;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] qi = unit(q[i]), ki = unit(k[i]);
            double[] logits = new double[1 + queue.length];
            logits[0] = dot(qi, ki) / tau;
            for (int j = 0; j < queue.length; j++) {
                logits[1 + j] = dot(qi, queue[j]) / tau;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logits) {
                max = Math.max(max, l);
            }
            double se = 0;
            for (double l : logits) {
                se += Math.exp(l - max);
            }
            total += -(logits[0] - max - Math.log(se));
        }
        return total / n;
    }

    static double[] unit(double[] x) {
        double norm = Math.sqrt(dot(x, x));
        double[] u = new double[x.length];
        for (int d = 0; d < x.length; d++) {
            u[d] = x[d] / norm;
        }
        return u;
    }

    static double dot(double[] a, double[] b) {
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

    static double[][] unitRows(double[][] x) {
        double[][] u = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            u[i] = unit(x[i]);
        }
        return u;
    }

    static INDArray array(double[][] x, DataType type) {
        return Nd4j.create(x).castTo(type);
    }

    // ---------------------------------------------------------------- agreement with the paper

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of(1, 3, 1, 0.07), Arguments.of(2, 1, 4, 0.2), Arguments.of(3, 8, 16, 0.07),
                Arguments.of(8, 16, 64, 0.2), Arguments.of(5, 4, 7, 1.0), Arguments.of(16, 32, 256, 0.07),
                Arguments.of(4, 6, 32, 0.01));
    }

    @ParameterizedTest(name = "N={0} D={1} K={2} tau={3}")
    @MethodSource("sizes")
    void matchesNaiveMocoInDouble(int n, int d, int size, double tau) {
        double[][] q = gaussian(n, d, 1000L + n), k = gaussian(n, d, 2000L + d);
        double[][] queue = unitRows(gaussian(size, d, 3000L + size));
        double expected = naiveMoco(q, k, queue, tau);
        for (boolean unshifted : new boolean[]{true, false}) {
            double actual = InfoNceLoss.compute(array(q, DataType.DOUBLE), array(k, DataType.DOUBLE),
                    array(queue, DataType.DOUBLE), tau, unshifted).value();
            assertEquals(expected, actual, 1e-10 * Math.max(1, Math.abs(expected)), "unshifted exp allowed: " + unshifted);
        }
    }

    @ParameterizedTest(name = "N={0} D={1} K={2} tau={3}")
    @MethodSource("sizes")
    void floatAgreesWithNaiveMoco(int n, int d, int size, double tau) {
        double[][] q = gaussian(n, d, 10L + n), k = gaussian(n, d, 20L + d);
        double[][] queue = unitRows(gaussian(size, d, 30L + size));
        double expected = naiveMoco(q, k, queue, tau);
        for (boolean unshifted : new boolean[]{true, false}) {
            LossResult r = InfoNceLoss.compute(array(q, DataType.FLOAT), array(k, DataType.FLOAT),
                    array(queue, DataType.FLOAT), tau, unshifted);
            assertEquals(expected, r.value(), 2e-5 * Math.max(1, Math.abs(expected)), "unshifted exp allowed: " + unshifted);
            assertEquals(DataType.FLOAT, r.gradient(0).dataType());
        }
    }

    // ---------------------------------------------------------------- closed forms and invariants

    @ParameterizedTest(name = "K={0}")
    @ValueSource(ints = {1, 3, 64, 4096})
    void queueOfCopiesOfTheKeyGivesLogKPlusOneAndNoGradient(int size) {
        // q and k collinear (positive multiples of v), every queue row the unit key: all logits equal
        double[] v = {0.2, -0.7, 1.5};
        int n = 3;
        double[][] q = new double[n][], k = new double[n][];
        for (int i = 0; i < n; i++) {
            q[i] = new double[]{(i + 1) * v[0], (i + 1) * v[1], (i + 1) * v[2]};
            k[i] = new double[]{(i + 3) * v[0], (i + 3) * v[1], (i + 3) * v[2]};
        }
        double[][] queue = new double[size][];
        for (int j = 0; j < size; j++) {
            queue[j] = unit(v);
        }
        LossResult r = InfoNceLoss.compute(array(q, DataType.DOUBLE), array(k, DataType.DOUBLE),
                array(queue, DataType.DOUBLE), 0.07);
        assertEquals(Math.log(size + 1), r.value(), 1e-9);
        assertEquals(0, r.gradient(0).norm2Number().doubleValue(), 1e-9);
    }

    @Test
    void orthogonalNegativesGiveLogOnePlusKExpMinusOneOverTau() {
        // q^ = k^ = e0, queue rows on e1/e2: logits [1/tau, 0, ..., 0]
        double tau = 0.5;
        int size = 6;
        double[][] q = {{2, 0, 0}, {0.5, 0, 0}}, k = {{1, 0, 0}, {3, 0, 0}};
        double[][] queue = new double[size][];
        for (int j = 0; j < size; j++) {
            queue[j] = j % 2 == 0 ? new double[]{0, 1, 0} : new double[]{0, 0, -1};
        }
        LossResult r = InfoNceLoss.compute(array(q, DataType.DOUBLE), array(k, DataType.DOUBLE),
                array(queue, DataType.DOUBLE), tau);
        assertEquals(Math.log(1 + size * Math.exp(-1 / tau)), r.value(), 1e-12);
    }

    @Test
    void permutingTheQueueKeepsValueAndGradient() {
        double[][] q = gaussian(4, 5, 1), k = gaussian(4, 5, 2);
        double[][] queue = unitRows(gaussian(9, 5, 3));
        double[][] reversed = new double[queue.length][];
        for (int j = 0; j < queue.length; j++) {
            reversed[j] = queue[queue.length - 1 - j];
        }
        LossResult a = InfoNceLoss.compute(array(q, DataType.DOUBLE), array(k, DataType.DOUBLE),
                array(queue, DataType.DOUBLE), 0.2);
        LossResult b = InfoNceLoss.compute(array(q, DataType.DOUBLE), array(k, DataType.DOUBLE),
                array(reversed, DataType.DOUBLE), 0.2);
        assertEquals(a.value(), b.value(), 1e-12);
        assertTrue(a.gradient(0).equalsWithEps(b.gradient(0), 1e-12));
    }

    @Test
    void scalingQueriesAndKeysKeepsTheValueAndScalesTheQueryGradientInversely() {
        INDArray q = array(gaussian(3, 4, 5), DataType.DOUBLE);
        INDArray k = array(gaussian(3, 4, 6), DataType.DOUBLE);
        INDArray queue = array(unitRows(gaussian(5, 4, 7)), DataType.DOUBLE);
        INDArray scale = Nd4j.createFromArray(0.1, 3.0, 12.0);
        LossResult a = InfoNceLoss.compute(q, k, queue, 0.1);
        LossResult b = InfoNceLoss.compute(q.mulColumnVector(scale), k.mulColumnVector(scale.mul(2)), queue, 0.1);
        assertEquals(a.value(), b.value(), 1e-12);
        assertTrue(a.gradient(0).divColumnVector(scale).equalsWithEps(b.gradient(0), 1e-12));
    }

    // ---------------------------------------------------------------- gradient

    static Stream<Arguments> gradCases() {
        return Stream.of(Arguments.of(1, 3, 1, 0.5), Arguments.of(3, 3, 8, 0.07), Arguments.of(2, 4, 5, 1.0),
                Arguments.of(2, 2, 3, 0.2));
    }

    @ParameterizedTest(name = "N={0} D={1} K={2} tau={3}")
    @MethodSource("gradCases")
    void queryGradientMatchesFiniteDifferencesAndKeysAreDetached(int n, int d, int size, double tau) {
        INDArray q = array(gaussian(n, d, 40L + n), DataType.DOUBLE);
        INDArray k = array(gaussian(n, d, 50L + d), DataType.DOUBLE);
        INDArray queue = array(unitRows(gaussian(size, d, 60L + size)), DataType.DOUBLE);
        for (boolean unshifted : new boolean[]{true, false}) {
            LossResult r = InfoNceLoss.compute(q, k, queue, tau, unshifted);
            assertEquals(2, r.gradients().length);
            assertNull(r.gradient(1), "keys are detached");
            assertArrayEquals(q.shape(), r.gradient(0).shape());
            double err = GradCheck.maxRelativeError(x -> InfoNceLoss.compute(x, k, queue, tau, unshifted).value(), q,
                    r.gradient(0), 1e-6);
            assertTrue(err < 1e-6, "unshifted exp allowed: " + unshifted + ", max relative error " + err);
        }
    }

    @ParameterizedTest(name = "N={0} D={1} K={2} tau={3}")
    @MethodSource("sizes")
    void bothSoftmaxPathsGiveTheSameGradientInFloat(int n, int d, int size, double tau) {
        INDArray q = array(gaussian(n, d, 70L + n), DataType.FLOAT);
        INDArray k = array(gaussian(n, d, 80L + d), DataType.FLOAT);
        INDArray queue = array(unitRows(gaussian(size, d, 90L + size)), DataType.FLOAT);
        INDArray a = InfoNceLoss.compute(q, k, queue, tau, true).gradient(0);
        INDArray b = InfoNceLoss.compute(q, k, queue, tau, false).gradient(0);
        double scale = Math.max(1e-3, a.amaxNumber().doubleValue());
        assertTrue(a.sub(b).amaxNumber().doubleValue() < 1e-4 * scale, "paths differ: " + a.sub(b).amaxNumber());
    }

    @Test
    void gradientOutlivesTheLossWorkspace() {
        INDArray queue = array(unitRows(gaussian(8, 4, 3)), DataType.FLOAT);
        LossResult first = InfoNceLoss.compute(array(gaussian(2, 4, 1), DataType.FLOAT),
                array(gaussian(2, 4, 2), DataType.FLOAT), queue, 0.2);
        INDArray kept = first.gradient(0).dup();
        InfoNceLoss.compute(array(gaussian(2, 4, 4), DataType.FLOAT), array(gaussian(2, 4, 5), DataType.FLOAT), queue, 0.2);
        assertFalse(first.gradient(0).isAttached(), "gradient must be detached from the loss's workspace");
        assertEquals(kept, first.gradient(0));
    }

    @Test
    void doesNotModifyItsInputs() {
        INDArray q = array(gaussian(3, 4, 1), DataType.FLOAT);
        INDArray k = array(gaussian(3, 4, 2), DataType.FLOAT);
        INDArray queue = array(unitRows(gaussian(8, 4, 3)), DataType.FLOAT);
        INDArray q0 = q.dup(), k0 = k.dup(), queue0 = queue.dup();
        InfoNceLoss.compute(q, k, queue, 0.07);
        assertEquals(q0, q);
        assertEquals(k0, k);
        assertEquals(queue0, queue);
    }

    // ---------------------------------------------------------------- bad input

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsBadTemperature(double tau) {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InfoNceLoss.compute(x, x, x, tau));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
    }

    @Test
    void rejectsMissingOrMismatchedQueue() {
        INDArray q = Nd4j.rand(DataType.FLOAT, 2, 3);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> InfoNceLoss.compute(q, q, null, 0.1));
        assertTrue(none.getMessage().contains("K >= 1"), none.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> InfoNceLoss.compute(q, q, Nd4j.create(DataType.FLOAT, 0, 3), 0.1));
        assertTrue(empty.getMessage().contains("queue"), empty.getMessage());
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> InfoNceLoss.compute(q, q, Nd4j.rand(DataType.FLOAT, 5, 4), 0.1));
        assertTrue(dim.getMessage().contains("queue dimension 4"), dim.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> InfoNceLoss.compute(q, q, Nd4j.rand(DataType.DOUBLE, 5, 3), 0.1));
        assertTrue(type.getMessage().contains("data type"), type.getMessage());
    }

    @Test
    void rejectsQueryKeyShapeMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InfoNceLoss.compute(Nd4j.rand(DataType.FLOAT, 2, 3), Nd4j.rand(DataType.FLOAT, 3, 3),
                        Nd4j.rand(DataType.FLOAT, 4, 3), 0.1));
        assertTrue(e.getMessage().contains("same shape"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InfoNceLoss.compute(Nd4j.rand(DataType.FLOAT, 6),
                Nd4j.rand(DataType.FLOAT, 6), Nd4j.rand(DataType.FLOAT, 4, 6), 0.1));
    }
}
