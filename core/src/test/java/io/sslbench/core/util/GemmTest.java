package io.sslbench.core.util;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Gemm} against a naive triple loop in double, for every combination of operand orders (c, f), transposes,
 * alpha and beta, odd sizes, single rows and columns, dense views with an offset, and a strided view (ND4J's route).
 * Tolerance: relative 1e-5 of the largest reference value (float sums of at most 37 products of O(1) values).
 */
class GemmTest {
    private static double[][] naive(INDArray a, INDArray b, INDArray c0, boolean ta, boolean tb, double alpha,
                                    double beta) {
        double[][] x = a.toDoubleMatrix(), y = b.toDoubleMatrix(), c = c0.toDoubleMatrix();
        int m = c.length, n = c[0].length, k = ta ? x.length : x[0].length;
        double[][] r = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    s += (ta ? x[l][i] : x[i][l]) * (tb ? y[j][l] : y[l][j]);
                }
                r[i][j] = alpha * s + beta * c[i][j];
            }
        }
        return r;
    }

    private static void assertClose(double[][] expected, INDArray actual, String what) {
        double[][] got = actual.toDoubleMatrix();
        double scale = 1e-12, err = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[0].length; j++) {
                scale = Math.max(scale, Math.abs(expected[i][j]));
                err = Math.max(err, Math.abs(expected[i][j] - got[i][j]));
            }
        }
        assertTrue(err / scale < 1e-5, what + ": relative error " + err / scale);
    }

    private static INDArray matrix(long rows, long cols, char order) {
        return Nd4j.randn(DataType.FLOAT, order, rows, cols);
    }

    @Test
    void everyOrderTransposeAndScaleMatchesTheNaiveProduct() {
        Nd4j.getRandom().setSeed(3);
        int[][] sizes = {{5, 7, 3}, {1, 9, 4}, {6, 1, 37}, {8, 5, 1}, {33, 17, 12}};
        char[] orders = {'c', 'f'};
        for (int[] s : sizes) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    for (char oa : orders) {
                        for (char ob : orders) {
                            for (char oc : orders) {
                                INDArray a = ta ? matrix(k, m, oa) : matrix(m, k, oa);
                                INDArray b = tb ? matrix(n, k, ob) : matrix(k, n, ob);
                                INDArray c = matrix(m, n, oc);
                                double alpha = 0.7, beta = (m + n) % 2 == 0 ? 0.0 : -1.5;
                                double[][] want = naive(a, b, c, ta, tb, alpha, beta);
                                INDArray out = Gemm.gemm(a, b, c, ta, tb, alpha, beta);
                                assertSame(c, out);
                                assertClose(want, c, m + "x" + n + "x" + k + " " + oa + ob + oc + " ta=" + ta + " tb=" + tb);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void viewsWithAnOffsetAndStridedViewsGiveTheSameProducts() {
        Nd4j.getRandom().setSeed(4);
        INDArray big = matrix(10, 6, 'c');
        INDArray rows = big.get(NDArrayIndex.interval(3, 8), NDArrayIndex.all());  // dense, offset 18
        INDArray cols = big.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 4)); // strided: ND4J's route
        INDArray b = matrix(6, 4, 'f'), b2 = matrix(3, 4, 'c');
        INDArray c = Nd4j.create(DataType.FLOAT, 5, 4), c2 = Nd4j.create(DataType.FLOAT, 10, 4);
        assertClose(naive(rows, b, c, false, false, 1, 0), Gemm.gemm(rows, b, c, false, false, 1, 0), "row view");
        assertClose(naive(cols, b2, c2, false, false, 1, 0), Gemm.gemm(cols, b2, c2, false, false, 1, 0), "column view");
        INDArray fresh = Gemm.gemm(rows, b, false, false);
        assertArrayEquals(new long[]{5, 4}, fresh.shape());
        assertClose(naive(rows, b, c, false, false, 1, 0), fresh, "new result");
    }

    @Test
    void doubleGoesThroughNd4jAndBadShapesAreRefused() {
        INDArray a = Nd4j.rand(DataType.DOUBLE, 3, 4), b = Nd4j.rand(DataType.DOUBLE, 4, 2);
        INDArray c = Nd4j.create(DataType.DOUBLE, 3, 2);
        assertClose(naive(a, b, c, false, false, 2, 0), Gemm.gemm(a, b, c, false, false, 2, 0), "double");
        if (Gemm.direct()) {
            INDArray f = Nd4j.rand(DataType.FLOAT, 3, 4), g = Nd4j.rand(DataType.FLOAT, 5, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.gemm(f, g, Nd4j.create(DataType.FLOAT, 3, 2), false, false, 1, 0));
            assertTrue(e.getMessage().contains("[3, 4] x [5, 2]"), e.getMessage());
        }
    }

    /**
     * On linux-x86_64 with the CPU backend (this project's default build, and CI) the oneDNN preset must load: a
     * missing native jar would otherwise silently send every product and convolution back to the slower routes.
     */
    @Test
    void onLinuxX8664TheOneDnnRoutesAreOn() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux")
                && "amd64".equals(System.getProperty("os.arch"))
                && "CPU".equalsIgnoreCase(io.sslbench.core.runtime.Backend.backendName())
                && System.getProperty("sslbench.gemm") == null, "linux-x86_64, CPU backend, no override");
        assertTrue(Gemm.direct(), "oneDNN's sgemm");
        assertTrue(io.sslbench.core.nn.fast.DnnlConv.available(), io.sslbench.core.nn.fast.DnnlConv.unavailableReason());
    }
}
