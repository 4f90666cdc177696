package io.sslbench.simsiam;

import io.sslbench.core.loss.LossResult;
import io.sslbench.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimSiamLossTest {

    private static INDArray randn(long seed, long rows, long d) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, rows, d);
    }

    /**
     * SimSiam Algorithm 1, transcribed: {@code D(p, z) = -(normalize(p) * normalize(z)).sum(dim=1).mean()},
     * {@code L = D(p1, z2)/2 + D(p2, z1)/2}, with plain loops.
     */
    private static double naiveD(INDArray p, long pFrom, INDArray z, long zFrom, long n) {
        long d = p.size(1);
        double total = 0;
        for (long i = 0; i < n; i++) {
            double np = 0, nz = 0;
            for (long j = 0; j < d; j++) {
                np += p.getDouble(pFrom + i, j) * p.getDouble(pFrom + i, j);
                nz += z.getDouble(zFrom + i, j) * z.getDouble(zFrom + i, j);
            }
            np = Math.sqrt(np);
            nz = Math.sqrt(nz);
            double s = 0;
            for (long j = 0; j < d; j++) {
                s += (p.getDouble(pFrom + i, j) / np) * (z.getDouble(zFrom + i, j) / nz);
            }
            total += s;
        }
        return -total / n;
    }

    private static double naiveSimSiam(INDArray p, INDArray z) {
        long n = p.size(0) / 2;
        return naiveD(p, 0, z, n, n) / 2 + naiveD(p, n, z, 0, n) / 2;
    }

    @ParameterizedTest
    @CsvSource({"1,1", "1,3", "4,5", "8,32", "16,128"})
    void matchesAlgorithm1(int n, int d) {
        INDArray p = randn(300 + n * 13L + d, 2L * n, d);
        INDArray z = randn(400 + n * 13L + d, 2L * n, d);
        INDArray p0 = p.dup(), z0 = z.dup();
        for (boolean sg : new boolean[]{true, false}) {
            assertEquals(naiveSimSiam(p, z), SimSiamLoss.compute(p, z, sg).value(), 1e-12);
        }
        assertEquals(p0, p);
        assertEquals(z0, z);
    }

    @Test
    void closedForms() {
        INDArray v = randn(1, 5, 6);
        INDArray same = Nd4j.vstack(v, v); // identical rows in both views
        assertEquals(-1.0, SimSiamLoss.compute(same, same, true).value(), 1e-12);
        assertEquals(-1.0, SimSiamLoss.compute(same.mul(0.3), same.mul(7), true).value(), 1e-12);
        assertEquals(1.0, SimSiamLoss.compute(same.neg(), same, true).value(), 1e-12);
        // orthogonal predictions: loss 0
        INDArray e1 = Nd4j.create(new double[][]{{1, 0}, {1, 0}});
        INDArray e2 = Nd4j.create(new double[][]{{0, 1}, {0, 1}});
        assertEquals(0.0, SimSiamLoss.compute(e1, e2, true).value(), 0);
    }

    @Test
    void stopGradientOnGivesNullZGradientAndOffGivesTheAnalyticOne() {
        INDArray p = randn(2, 6, 5), z = randn(3, 6, 5);
        LossResult on = SimSiamLoss.compute(p, z, true);
        LossResult off = SimSiamLoss.compute(p, z, false);
        assertNull(on.gradient(1));
        assertNotNull(off.gradient(1));
        assertEquals(on.gradient(0), off.gradient(0), "dL/dp does not depend on the stop-gradient");
        double errP = GradCheck.maxRelativeError(x -> SimSiamLoss.compute(x, z, true).value(), p, on.gradient(0), 1e-6);
        double errZ = GradCheck.maxRelativeError(x -> naiveSimSiam(p, x), z, off.gradient(1), 1e-6);
        double errPNaive = GradCheck.maxRelativeError(x -> naiveSimSiam(x, z), p, on.gradient(0), 1e-6);
        assertTrue(errP < 1e-6 && errZ < 1e-6 && errPNaive < 1e-6, "relative errors " + errP + ", " + errZ + ", " + errPNaive);
    }

    @Test
    void swappingPAndZExchangesTheGradients() {
        // the loss is symmetric in (p, z) up to which view each pairs with: swapping the roles of p and z
        // exchanges the two gradients
        INDArray p = randn(4, 4, 3), z = randn(5, 4, 3);
        LossResult a = SimSiamLoss.compute(p, z, false);
        LossResult b = SimSiamLoss.compute(z, p, false);
        assertEquals(a.value(), b.value(), 1e-14);
        assertTrue(a.gradient(1).equalsWithEps(b.gradient(0), 1e-14));
        assertTrue(a.gradient(0).equalsWithEps(b.gradient(1), 1e-14));
    }

    @Test
    void floatInputs() {
        INDArray p = randn(6, 8, 16), z = randn(7, 8, 16);
        LossResult d = SimSiamLoss.compute(p, z, false);
        LossResult f = SimSiamLoss.compute(p.castTo(DataType.FLOAT), z.castTo(DataType.FLOAT), false);
        assertEquals(DataType.FLOAT, f.gradient(0).dataType());
        assertEquals(DataType.FLOAT, f.gradient(1).dataType());
        assertEquals(d.value(), f.value(), 1e-6);
        assertTrue(d.gradient(1).sub(f.gradient(1).castTo(DataType.DOUBLE)).amaxNumber().doubleValue() < 1e-6);
    }

    @Test
    void invalidArgumentsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> SimSiamLoss.compute(randn(1, 5, 2), randn(2, 5, 2), true));
        assertTrue(e.getMessage().contains("p must have an even number of rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimSiamLoss.compute(randn(1, 4, 2), randn(2, 4, 3), true));
        assertTrue(e.getMessage().contains("same shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimSiamLoss.compute(null, randn(2, 4, 3), true));
        assertTrue(e.getMessage().contains("p is null"), e.getMessage());
    }
}
