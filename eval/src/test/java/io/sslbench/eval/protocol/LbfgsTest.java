package io.sslbench.eval.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LbfgsTest {
    @Test
    void quadraticReachesTheClosedFormMinimiser() {
        // f = 1/2 x'Ax - b'x with A = [[4,1,0],[1,3,0.5],[0,0.5,2]] ; minimiser solves A x = b
        double[][] a = {{4, 1, 0}, {1, 3, 0.5}, {0, 0.5, 2}};
        double[] b = {1, -2, 3};
        Lbfgs.Result r = Lbfgs.minimize((x, g) -> {
            double f = 0;
            for (int i = 0; i < 3; i++) {
                double ax = 0;
                for (int j = 0; j < 3; j++) {
                    ax += a[i][j] * x[j];
                }
                g[i] = ax - b[i];
                f += 0.5 * x[i] * ax - b[i] * x[i];
            }
            return f;
        }, new double[3], 5, 100, 1e-13);
        assertTrue(r.converged());
        // closed form by Cramer's rule
        double det = det(a);
        for (int k = 0; k < 3; k++) {
            double[][] m = {a[0].clone(), a[1].clone(), a[2].clone()};
            for (int i = 0; i < 3; i++) {
                m[i][k] = b[i];
            }
            assertEquals(det(m) / det, r.x()[k], 1e-10);
        }
    }

    private static double det(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }

    @Test
    void rosenbrockReachesOneOne() {
        Lbfgs.Result r = Lbfgs.minimize((x, g) -> {
            double u = 1 - x[0], v = x[1] - x[0] * x[0];
            g[0] = -2 * u - 400 * x[0] * v;
            g[1] = 200 * v;
            return u * u + 100 * v * v;
        }, new double[]{-1.2, 1}, 10, 500, 1e-8);
        assertTrue(r.converged(), "gradient " + r.gradMaxAbs() + " after " + r.iterations());
        assertEquals(1.0, r.x()[0], 1e-6);
        assertEquals(1.0, r.x()[1], 1e-6);
    }
}
