package io.sslbench.core.loss;

import io.sslbench.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class L2NormalizeTest {

    private static INDArray gaussian(long seed, long... shape) {
        return Nd4j.randn(0, 1, Nd4j.create(DataType.DOUBLE, shape), Nd4j.getRandomFactory().getNewRandomInstance(seed));
    }

    @Test
    void rowsBecomeUnitVectorsAndTheInputIsKept() {
        INDArray x = gaussian(1, 7, 5).mulColumnVector(Nd4j.createFromArray(1e-3, 0.5, 1, 2, 10, 100, 1e4));
        INDArray copy = x.dup();
        L2Normalize.Normalized n = L2Normalize.forward(x, "x");
        assertEquals(copy, x);
        assertFalse(n.clamped());
        assertTrue(n.unit().norm2(1).equalsWithEps(Nd4j.ones(DataType.DOUBLE, 7), 1e-12));
        // each unit row is the input row divided by its norm
        assertTrue(n.unit().mulColumnVector(x.norm2(1)).equalsWithEps(x, 1e-9));
    }

    @Test
    void backwardMatchesFiniteDifferencesOfAWeightedSum() {
        INDArray x = gaussian(2, 4, 6);
        INDArray w = gaussian(3, 4, 6);
        INDArray grad = L2Normalize.backwardInPlace(L2Normalize.forward(x, "x"), w.dup());
        double err = GradCheck.maxRelativeError(
                p -> L2Normalize.forward(p, "x").unit().mul(w).sumNumber().doubleValue(), x, grad, 1e-6);
        assertTrue(err < 1e-7, "max relative error " + err);
        // the gradient is tangent to the sphere: orthogonal to each input row
        assertTrue(grad.mul(x).sum(1).amaxNumber().doubleValue() < 1e-12);
    }

    @Test
    void zeroRowsAreClampedLikeTorchNormalize() {
        INDArray x = Nd4j.createFromArray(new double[][]{{0, 0}, {3, 4}});
        L2Normalize.Normalized n = L2Normalize.forward(x, "x");
        assertTrue(n.clamped());
        assertEquals(Nd4j.createFromArray(new double[][]{{0, 0}, {0.6, 0.8}}), n.unit());
        INDArray g = Nd4j.createFromArray(new double[][]{{1e-12, -2e-12}, {1, 0}});
        INDArray dx = L2Normalize.backwardInPlace(n, g.dup());
        // clamped row: u = x / EPS is linear in x, so dx = g / EPS; regular row: (g - u (u.g)) / ||x||
        assertTrue(dx.getRow(0).equalsWithEps(Nd4j.createFromArray(1.0, -2.0), 1e-12));
        assertTrue(dx.getRow(1).equalsWithEps(Nd4j.createFromArray((1 - 0.36) / 5, -0.48 / 5), 1e-12));
    }

    @Test
    void rejectsNonMatrices() {
        assertThrows(IllegalArgumentException.class, () -> L2Normalize.forward(Nd4j.ones(3), "x"));
        assertThrows(IllegalArgumentException.class, () -> L2Normalize.forward(Nd4j.ones(DataType.INT32, 2, 2), "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> L2Normalize.forward(null, "embeddings"));
        assertTrue(e.getMessage().contains("embeddings"), e.getMessage());
    }
}
