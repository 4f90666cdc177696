package io.sslbench.example;

import io.sslbench.core.loss.LossResult;
import io.sslbench.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class AlignUniformLossTest {
    /** The paper's pseudocode (Fig. 5 / align_uniform/__init__.py), loop by loop, in double. */
    private static double naive(INDArray z, double alignW, double unifW, double alpha, double t) {
        int n2 = (int) z.size(0), n = n2 / 2, d = (int) z.size(1);
        double[][] u = new double[n2][d];
        for (int i = 0; i < n2; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += z.getDouble(i, k) * z.getDouble(i, k);
            }
            for (int k = 0; k < d; k++) {
                u[i][k] = z.getDouble(i, k) / Math.sqrt(s);
            }
        }
        double align = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += (u[i][k] - u[n + i][k]) * (u[i][k] - u[n + i][k]);
            }
            align += Math.pow(Math.sqrt(s), alpha) / n;
        }
        double unif = 0;
        for (int v = 0; v < 2; v++) {
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < d; k++) {
                        s += (u[v * n + i][k] - u[v * n + j][k]) * (u[v * n + i][k] - u[v * n + j][k]);
                    }
                    sum += Math.exp(-t * s);
                    pairs++;
                }
            }
            unif += Math.log(sum / pairs);
        }
        return alignW * align + unifW * unif / 2;
    }

    @Test
    void matchesThePapersPseudocodeAndFiniteDifferencesInDouble() {
        Nd4j.getRandom().setSeed(3);
        for (double alpha : new double[]{2, 1.5}) {
            INDArray z = Nd4j.randn(DataType.DOUBLE, 10, 6);
            LossResult r = AlignUniformLoss.compute(z, 0.7, 1.3, alpha, 2);
            assertEquals(naive(z, 0.7, 1.3, alpha, 2), r.value(), 1e-12, "alpha " + alpha);
            double err = GradCheck.maxRelativeError(x -> naive(x, 0.7, 1.3, alpha, 2), z, r.gradient(0), 1e-6);
            assertTrue(err < 1e-6, "alpha " + alpha + ": relative error " + err);
        }
    }

    @Test
    void closedFormsIdenticalViewsOnTwoAntipodalPointsAndACollapsedOutput() {
        // views identical: no alignment term; per view two antipodal unit rows: ||u1 - u2||^2 = 4, L_unif = -4t
        INDArray v = Nd4j.createFromArray(new double[][]{{3, 0}, {-2, 0}});
        INDArray z = Nd4j.concat(0, v, v);
        assertEquals(-8, AlignUniformLoss.compute(z, 1, 1, 2, 2).value(), 1e-12);
        // every row the same direction: L_unif = log 1 = 0 per view, and the alignment term 0
        INDArray same = Nd4j.createFromArray(new double[][]{{1, 2}, {2, 4}, {0.5, 1}, {3, 6}});
        LossResult c = AlignUniformLoss.compute(same, 1, 1, 2, 2);
        assertEquals(0, c.value(), 1e-12);
        // view 2 the mirror of view 1 (u2 = -u1): ||u1 - u2||^alpha = 2^alpha
        INDArray w = Nd4j.createFromArray(new double[][]{{1, 0}, {0, 1}});
        assertEquals(Math.pow(2, 2), AlignUniformLoss.compute(Nd4j.concat(0, w, w.neg()), 1, 0, 2, 2).value(), 1e-12);
    }

    @Test
    void rejectsAnOddOrTooSmallBatch() {
        assertThrows(IllegalArgumentException.class, () -> AlignUniformLoss.compute(Nd4j.ones(DataType.DOUBLE, 3, 4), 1, 1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> AlignUniformLoss.compute(Nd4j.ones(DataType.DOUBLE, 2, 4), 1, 1, 2, 2));
    }
}
