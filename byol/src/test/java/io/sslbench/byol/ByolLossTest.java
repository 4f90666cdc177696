package io.sslbench.byol;

import io.sslbench.core.loss.LossResult;
import io.sslbench.core.testing.GradCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByolLossTest {

    private static INDArray randn(long seed, long rows, long d) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, rows, d);
    }

    /** BYOL eq. 2: {@code ||q/||q|| - z'/||z'|| ||^2}, transcribed with plain loops. */
    private static double regression(INDArray q, long qi, INDArray z, long zi) {
        long d = q.size(1);
        double nq = 0, nz = 0;
        for (long j = 0; j < d; j++) {
            nq += q.getDouble(qi, j) * q.getDouble(qi, j);
            nz += z.getDouble(zi, j) * z.getDouble(zi, j);
        }
        nq = Math.sqrt(nq);
        nz = Math.sqrt(nz);
        double s = 0;
        for (long j = 0; j < d; j++) {
            double diff = q.getDouble(qi, j) / nq - z.getDouble(zi, j) / nz;
            s += diff * diff;
        }
        return s;
    }

    /** The paper's symmetrised loss L + L~, each a batch mean, SUMMED. */
    private static double naiveByol(INDArray p, INDArray z) {
        long n = p.size(0) / 2;
        double l = 0, lTilde = 0;
        for (long i = 0; i < n; i++) {
            l += regression(p, i, z, n + i);       // q(view1) vs z'(view2)
            lTilde += regression(p, n + i, z, i);  // q(view2) vs z'(view1)
        }
        return l / n + lTilde / n;
    }

    /** The buggy variant that AVERAGES the two terms (lightly before #1286). */
    private static double naiveByolAveraged(INDArray p, INDArray z) {
        return 0.5 * naiveByol(p, z);
    }

    @ParameterizedTest
    @CsvSource({"1,1", "1,4", "3,5", "8,16", "16,128"})
    void matchesNaiveTranscriptionOfThePaper(int n, int d) {
        INDArray p = randn(100 + n * 7L + d, 2L * n, d);
        INDArray z = randn(200 + n * 7L + d, 2L * n, d);
        INDArray p0 = p.dup(), z0 = z.dup();
        LossResult r = ByolLoss.compute(p, z);
        assertEquals(naiveByol(p, z), r.value(), 1e-12);
        assertEquals(p0, p, "p must not be modified");
        assertEquals(z0, z, "zTarget must not be modified");
    }

    @Test
    void gradientPassesFiniteDifferenceCheckAndTargetIsDetached() {
        INDArray p = randn(1, 8, 6);
        INDArray z = randn(2, 8, 6);
        LossResult r = ByolLoss.compute(p, z);
        assertNull(r.gradient(1), "zTarget is detached");
        double err = GradCheck.maxRelativeError(x -> ByolLoss.compute(x, z).value(), p, r.gradient(0), 1e-6);
        assertTrue(err < 1e-6, "relative error " + err);
        // and against the independent transcription of the paper
        double errNaive = GradCheck.maxRelativeError(x -> naiveByol(x, z), p, r.gradient(0), 1e-6);
        assertTrue(errNaive < 1e-6, "relative error vs naive " + errNaive);
    }

    @Test
    void summedGradientIsTwiceTheAveragedVariants() {
        INDArray p = randn(3, 6, 5);
        INDArray z = randn(4, 6, 5);
        LossResult r = ByolLoss.compute(p, z);
        assertEquals(2 * naiveByolAveraged(p, z), r.value(), 1e-12);
        // d(sum)/dp == 2 d(mean)/dp
        double errTwice = GradCheck.maxRelativeError(x -> 2 * naiveByolAveraged(x, z), p, r.gradient(0), 1e-6);
        assertTrue(errTwice < 1e-6, "relative error vs 2x averaged " + errTwice);
        // and it is NOT the averaged variant's gradient: |g - g/2| / (|g| + |g/2|) = 1/3 everywhere
        double errAvg = GradCheck.maxRelativeError(x -> naiveByolAveraged(x, z), p, r.gradient(0), 1e-6);
        assertEquals(1.0 / 3.0, errAvg, 1e-6);
    }

    @Test
    void closedForms() {
        INDArray v = randn(5, 4, 7);
        INDArray same = Nd4j.vstack(v, v);                     // both views identical
        assertEquals(0.0, ByolLoss.compute(same, same).value(), 1e-12);
        assertEquals(0.0, ByolLoss.compute(same.mul(2.5), same).value(), 1e-12);   // scale invariant
        assertEquals(8.0, ByolLoss.compute(same.neg(), same).value(), 1e-12);      // antipodal: 4 + 4
        LossResult r = ByolLoss.compute(same, same);
        assertEquals(0.0, r.gradient(0).amaxNumber().doubleValue(), 1e-12, "minimum: zero gradient");
        // p1 = z'2 and p2 = z'1 exactly (views swapped) is also a perfect prediction
        INDArray z = randn(6, 6, 3);
        INDArray pSwapped = Nd4j.vstack(z.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 6)),
                z.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)));
        assertEquals(0.0, ByolLoss.compute(pSwapped, z).value(), 1e-12);
    }

    @Test
    void floatInputsGiveFloatGradientCloseToDouble() {
        INDArray p = randn(7, 10, 12), z = randn(8, 10, 12);
        LossResult d = ByolLoss.compute(p, z);
        LossResult f = ByolLoss.compute(p.castTo(DataType.FLOAT), z.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, f.gradient(0).dataType());
        assertEquals(d.value(), f.value(), 1e-5);
        assertTrue(d.gradient(0).sub(f.gradient(0).castTo(DataType.DOUBLE)).amaxNumber().doubleValue() < 1e-6);
    }

    @Test
    void invalidArgumentsAreRejected() {
        INDArray p = randn(9, 4, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> ByolLoss.compute(randn(1, 3, 3), randn(2, 3, 3)));
        assertTrue(e.getMessage().contains("p must have an even number of rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ByolLoss.compute(p, randn(2, 6, 3)));
        assertTrue(e.getMessage().contains("same shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ByolLoss.compute(p, p.castTo(DataType.FLOAT)));
        assertTrue(e.getMessage().contains("same data type"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ByolLoss.compute(p, null));
        assertTrue(e.getMessage().contains("zTarget is null"), e.getMessage());
    }
}
