package io.sslbench.core.loss;

import io.sslbench.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CosineTest {

    private static INDArray randn(long seed, int n, int d) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, n, d);
    }

    /** Naive per-element transcription of {@code x / max(||x||, eps)}. */
    private static double[][] naiveNormalize(INDArray x) {
        int n = (int) x.size(0), d = (int) x.size(1);
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += x.getDouble(i, j) * x.getDouble(i, j);
            }
            double norm = Math.max(Math.sqrt(s), 1e-12);
            for (int j = 0; j < d; j++) {
                out[i][j] = x.getDouble(i, j) / norm;
            }
        }
        return out;
    }

    @Test
    void normalizeRowsMatchesNaiveAndHasUnitRows() {
        for (int[] nd : new int[][]{{1, 1}, {3, 5}, {8, 128}}) {
            INDArray x = randn(nd[0] * 31L + nd[1], nd[0], nd[1]);
            INDArray before = x.dup();
            INDArray y = Cosine.normalizeRows(x);
            double[][] ref = naiveNormalize(x);
            for (int i = 0; i < nd[0]; i++) {
                assertArrayEquals(ref[i], y.getRow(i).toDoubleVector(), 1e-14);
                assertEquals(1.0, y.getRow(i).norm2Number().doubleValue(), 1e-12);
            }
            assertEquals(before, x, "input must not be modified");
        }
    }

    @Test
    void zeroRowStaysZeroAndTinyRowsAreDividedByEps() {
        INDArray x = Nd4j.create(new double[][]{{0, 0, 0}, {3e-13, 0, 0}, {3, 4, 0}});
        INDArray y = Cosine.normalizeRows(x);
        assertArrayEquals(new double[]{0, 0, 0}, y.getRow(0).toDoubleVector(), 0);
        // ||x|| = 3e-13 < 1e-12: F.normalize divides by eps, the row does not become a unit vector
        assertArrayEquals(new double[]{0.3, 0, 0}, y.getRow(1).toDoubleVector(), 1e-15);
        assertArrayEquals(new double[]{0.6, 0.8, 0}, y.getRow(2).toDoubleVector(), 1e-15);
        assertTrue(!y.isInfinite().any() && !y.isNaN().any());
    }

    @Test
    void normalizeBackwardPassesGradCheck() {
        INDArray x = randn(7, 5, 6);
        INDArray w = randn(8, 5, 6);
        INDArray grad = Cosine.normalizeRowsBackward(x, w);
        double err = GradCheck.maxRelativeError(v -> Cosine.normalizeRows(v).mul(w).sumNumber().doubleValue(), x, grad, 1e-6);
        assertTrue(err < 1e-6, "relative error " + err);
    }

    @Test
    void normalizeBackwardOfClampedRowIsDivisionByEps() {
        INDArray x = Nd4j.create(new double[][]{{1e-13, -2e-13}});
        INDArray g = Nd4j.create(new double[][]{{0.5, 0.25}});
        INDArray grad = Cosine.normalizeRowsBackward(x, g);
        assertArrayEquals(new double[]{0.5e12, 0.25e12}, grad.toDoubleVector(), 1e-3);
    }

    @Test
    void normalizeBackwardIsOrthogonalToTheRow() {
        // the normalisation is scale invariant, so the gradient has no component along x
        INDArray x = randn(11, 4, 9);
        INDArray grad = Cosine.normalizeRowsBackward(x, randn(12, 4, 9));
        INDArray dots = x.mul(grad).sum(1);
        assertEquals(0.0, dots.amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void rowCosineMatchesNaiveAndItsGradientsPassGradCheck() {
        INDArray a = randn(21, 6, 7);
        INDArray b = randn(22, 6, 7);
        INDArray w = randn(23, 6, 1);
        Cosine.Similarity s = Cosine.rowCosine(a, b);
        double[][] an = naiveNormalize(a), bn = naiveNormalize(b);
        for (int i = 0; i < 6; i++) {
            double dot = 0;
            for (int j = 0; j < 7; j++) {
                dot += an[i][j] * bn[i][j];
            }
            assertEquals(dot, s.cos().getDouble(i, 0), 1e-14);
        }
        INDArray gA = s.gradA(w), gB = s.gradB(w);
        double errA = GradCheck.maxRelativeError(v -> Cosine.rowCosine(v, b).cos().mul(w).sumNumber().doubleValue(), a, gA, 1e-6);
        double errB = GradCheck.maxRelativeError(v -> Cosine.rowCosine(a, v).cos().mul(w).sumNumber().doubleValue(), b, gB, 1e-6);
        assertTrue(errA < 1e-6 && errB < 1e-6, "relative errors " + errA + ", " + errB);
        // the scalar-weight overload equals the vector one with a constant vector
        assertEquals(s.gradA(Nd4j.valueArrayOf(new long[]{6}, -0.75)), s.gradA(-0.75));
        assertEquals(s.gradB(Nd4j.valueArrayOf(new long[]{6}, -0.75)), s.gradB(-0.75));
    }

    @Test
    void cosineGradientOfAClampedRowIsTheOtherUnitRowOverEps() {
        // a zero row: cos = 0 and, as autograd through clamp_min, dcos/da = b^ / EPS (no norm term)
        INDArray a = Nd4j.create(new double[][]{{0, 0}, {1, 1}});
        INDArray b = Nd4j.create(new double[][]{{3, 4}, {1, 0}});
        Cosine.Similarity s = Cosine.rowCosine(a, b);
        assertEquals(0.0, s.cos().getDouble(0, 0), 0);
        INDArray g = s.gradA(2.0);
        assertArrayEquals(new double[]{2 * 0.6e12, 2 * 0.8e12}, g.getRow(0).toDoubleVector(), 1e-2);
        // the unclamped row keeps the usual formula w (b^ - cos a^) / ||a||
        double c = Math.sqrt(0.5);
        assertArrayEquals(new double[]{2 * (1 - c * c) / Math.sqrt(2), 2 * (0 - c * c) / Math.sqrt(2)},
                g.getRow(1).toDoubleVector(), 1e-12);
    }

    @Test
    void cosineClosedForms() {
        INDArray a = randn(31, 4, 5);
        assertEquals(4.0, Cosine.rowCosine(a, a.mul(3.0)).sum(), 1e-12);
        assertEquals(-4.0, Cosine.rowCosine(a, a.neg()).sum(), 1e-12);
        INDArray e1 = Nd4j.create(new double[][]{{1, 0}}), e2 = Nd4j.create(new double[][]{{0, 2}});
        assertEquals(0.0, Cosine.rowCosine(e1, e2).sum(), 0);
    }

    @Test
    void floatInputGivesFloatOutputCloseToDouble() {
        INDArray a = randn(41, 5, 8), b = randn(42, 5, 8);
        Cosine.Similarity sd = Cosine.rowCosine(a, b);
        Cosine.Similarity sf = Cosine.rowCosine(a.castTo(DataType.FLOAT), b.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, sf.cos().dataType());
        assertEquals(DataType.FLOAT, sf.gradA(1.0).dataType());
        assertTrue(sd.cos().sub(sf.cos().castTo(DataType.DOUBLE)).amaxNumber().doubleValue() < 1e-6);
    }

    @Test
    void invalidArgumentsAreRejectedWithClearMessages() {
        INDArray a = randn(1, 3, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> Cosine.rowCosine(a, randn(2, 3, 5)));
        assertTrue(e.getMessage().contains("same shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cosine.rowCosine(a, a.castTo(DataType.FLOAT)));
        assertTrue(e.getMessage().contains("data type"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cosine.normalizeRows(Nd4j.create(DataType.DOUBLE, 2, 3, 4)));
        assertTrue(e.getMessage().contains("rank-2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cosine.normalizeRows(Nd4j.create(DataType.INT, 2, 3)));
        assertTrue(e.getMessage().contains("FLOAT or DOUBLE"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cosine.normalizeRowsBackward(a, null));
        assertTrue(e.getMessage().contains("gradWrtNormalized is null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cosine.rowCosine(a, a).gradA(Nd4j.ones(DataType.DOUBLE, 2)));
        assertTrue(e.getMessage().contains("one per row"), e.getMessage());
    }

    @Test
    void twoViewsSwapExchangesHalvesAndIsAnInvolution() {
        INDArray x = randn(51, 6, 2);
        INDArray s = TwoViews.swap(x);
        assertEquals(x.getRow(3), s.getRow(0));
        assertEquals(x.getRow(0), s.getRow(3));
        assertEquals(x, TwoViews.swap(s));
        var e = assertThrows(IllegalArgumentException.class, () -> TwoViews.swap(randn(52, 5, 2)));
        assertTrue(e.getMessage().contains("even number of rows"), e.getMessage());
    }
}
