package io.sslbench.core.nn.bn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.sslbench.core.nn.bn.BnFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class SplitBatchNormalizationTest {
    private static final double EPS = 1e-5;

    private static INDArray randomInput(long... shape) {
        // non-zero mean and non-unit scale per channel, so that mean/var terms matter
        INDArray x = Nd4j.randn(DataType.DOUBLE, shape).muli(2.5).addi(1.5);
        return x;
    }

    @Test
    void oneGroupEqualsDl4jBatchNormalizationForwardAndBackward() {
        Nd4j.getRandom().setSeed(12);
        for (long[] shape : new long[][]{{7, 5}, {4, 3, 5, 6}}) {
            long c = shape[1];
            INDArray gamma = Nd4j.rand(DataType.DOUBLE, c).addi(0.5);
            INDArray beta = Nd4j.randn(DataType.DOUBLE, c);
            Layer ours = split(c, 1, EPS);
            Layer ref = dl4jBn(c, EPS);
            setAffine(ours, gamma, beta);
            setAffine(ref, gamma, beta);
            INDArray x = randomInput(shape);
            INDArray dy = Nd4j.randn(DataType.DOUBLE, shape);

            INDArray y = forward(ours, x, true);
            INDArray yRef = forward(ref, x, true);
            assertTrue(relDiff(y, yRef) < 1e-12, "forward " + java.util.Arrays.toString(shape) + ": " + relDiff(y, yRef));

            Pair<Gradient, INDArray> g = backward(ours, dy);
            Pair<Gradient, INDArray> gRef = backward(ref, dy);
            assertTrue(relDiff(g.getSecond(), gRef.getSecond()) < 1e-10, "dL/dx " + relDiff(g.getSecond(), gRef.getSecond()));
            for (String k : new String[]{"gamma", "beta"}) {
                INDArray a = g.getFirst().getGradientFor(k).reshape(c), b = gRef.getFirst().getGradientFor(k).reshape(c);
                assertTrue(relDiff(a, b) < 1e-10, "dL/d" + k + " " + relDiff(a, b));
            }
            // exact: the layer assigns 0 to the running statistics' gradient slots, no arithmetic to round
            assertEquals(0.0, g.getFirst().getGradientFor("rmean").amaxNumber().doubleValue());
            assertEquals(0.0, g.getFirst().getGradientFor("rvar").amaxNumber().doubleValue());
        }
    }

    @Test
    void groupsEqualSeparateBatchNormsOnContiguousSlices() {
        Nd4j.getRandom().setSeed(13);
        for (Object[] cse : new Object[][]{{new long[]{8, 3, 4, 4}, 2}, {new long[]{9, 4}, 3}, {new long[]{6, 2, 3, 3}, 3}}) {
            long[] shape = (long[]) cse[0];
            int groups = (int) cse[1];
            long c = shape[1], per = shape[0] / groups;
            INDArray gamma = Nd4j.rand(DataType.DOUBLE, c).addi(0.5);
            INDArray beta = Nd4j.randn(DataType.DOUBLE, c);
            Layer ours = split(c, groups, EPS);
            setAffine(ours, gamma, beta);
            INDArray x = randomInput(shape);
            INDArray dy = Nd4j.randn(DataType.DOUBLE, shape);
            INDArray y = forward(ours, x, true);
            Pair<Gradient, INDArray> g = backward(ours, dy);

            INDArray dGamma = Nd4j.zeros(DataType.DOUBLE, c), dBeta = Nd4j.zeros(DataType.DOUBLE, c);
            for (int k = 0; k < groups; k++) {
                Layer ref = dl4jBn(c, EPS);
                setAffine(ref, gamma, beta);
                INDArray yk = forward(ref, rows(x, k * per, (k + 1) * per), true);
                Pair<Gradient, INDArray> gk = backward(ref, rows(dy, k * per, (k + 1) * per));
                assertTrue(relDiff(rows(y, k * per, (k + 1) * per), yk) < 1e-12, "forward group " + k);
                assertTrue(relDiff(rows(g.getSecond(), k * per, (k + 1) * per), gk.getSecond()) < 1e-10, "dL/dx group " + k);
                dGamma.addi(gk.getFirst().getGradientFor("gamma").reshape(c));
                dBeta.addi(gk.getFirst().getGradientFor("beta").reshape(c));
            }
            assertTrue(relDiff(g.getFirst().getGradientFor("gamma").reshape(c), dGamma) < 1e-10);
            assertTrue(relDiff(g.getFirst().getGradientFor("beta").reshape(c), dBeta) < 1e-10);
            // and the per-group result is not the full-batch one
            Layer full = split(c, 1, EPS);
            setAffine(full, gamma, beta);
            assertTrue(relDiff(forward(full, x, true), y) > 1e-3, "groups had no effect");
        }
    }

    @Test
    void runningStatisticsFollowPyTorchsMomentumUpdate() {
        Nd4j.getRandom().setSeed(14);
        int n = 6, c = 3, h = 2, w = 2;
        for (int groups : new int[]{1, 2}) {
            double momentum = 0.1;
            Layer l = split(c, groups, EPS);
            double[] rm = new double[c], rv = new double[c];
            java.util.Arrays.fill(rv, 1.0);  // PyTorch's initial running_var
            for (int step = 0; step < 3; step++) {
                INDArray x = randomInput(n, c, h, w);
                forward(l, x, true);
                double[][][][] xd = new double[n][c][h][w];
                for (int i = 0; i < n; i++) for (int j = 0; j < c; j++) for (int y = 0; y < h; y++) for (int z = 0; z < w; z++) {
                    xd[i][j][y][z] = x.getDouble(i, j, y, z);
                }
                int per = n / groups, m = per * h * w;
                for (int j = 0; j < c; j++) {
                    double meanAvg = 0, varAvg = 0;
                    for (int g = 0; g < groups; g++) {
                        double s = 0;
                        for (int i = g * per; i < (g + 1) * per; i++) for (int y = 0; y < h; y++) for (int z = 0; z < w; z++) s += xd[i][j][y][z];
                        double mu = s / m, ss = 0;
                        for (int i = g * per; i < (g + 1) * per; i++) for (int y = 0; y < h; y++) for (int z = 0; z < w; z++) ss += Math.pow(xd[i][j][y][z] - mu, 2);
                        meanAvg += mu / groups;
                        varAvg += ss / (m - 1) / groups;   // unbiased, torch.var(unbiased=True)
                    }
                    rm[j] = (1 - momentum) * rm[j] + momentum * meanAvg;
                    rv[j] = (1 - momentum) * rv[j] + momentum * varAvg;
                }
                assertArrayEquals(rm, l.getParam("rmean").toDoubleVector(), 1e-12, "running mean, groups=" + groups + " step " + step);
                assertArrayEquals(rv, l.getParam("rvar").toDoubleVector(), 1e-12, "running var, groups=" + groups + " step " + step);
            }
            // inference: y = gamma (x - rmean) / sqrt(rvar + eps) + beta, no statistics of the batch, no update
            INDArray gamma = Nd4j.rand(DataType.DOUBLE, c).addi(0.5), beta = Nd4j.randn(DataType.DOUBLE, c);
            setAffine(l, gamma, beta);
            INDArray x = randomInput(n, c, h, w);
            double[] rmBefore = l.getParam("rmean").toDoubleVector(), rvBefore = l.getParam("rvar").toDoubleVector();
            INDArray y = forward(l, x, false);
            for (int i = 0; i < n; i++) for (int j = 0; j < c; j++) for (int a = 0; a < h; a++) for (int b = 0; b < w; b++) {
                double want = gamma.getDouble(j) * (x.getDouble(i, j, a, b) - rm[j]) / Math.sqrt(rv[j] + EPS) + beta.getDouble(j);
                assertEquals(want, y.getDouble(i, j, a, b), 1e-12);
            }
            // exact: the layer's own statistics before and after the pass, no arithmetic in between (they were
            // compared with the hand loop above only to 1e-12, which is all two summation orders can promise)
            assertArrayEquals(rmBefore, l.getParam("rmean").toDoubleVector(), 0.0, "inference must not touch running stats");
            assertArrayEquals(rvBefore, l.getParam("rvar").toDoubleVector(), 0.0, "inference must not touch running stats");
        }
    }

    @Test
    void inferenceBackwardIsTheFixedAffineMap() {
        Nd4j.getRandom().setSeed(15);
        Layer l = split(3, 2, EPS);
        setAffine(l, Nd4j.rand(DataType.DOUBLE, 3).addi(0.5), Nd4j.randn(DataType.DOUBLE, 3));
        l.getParam("rmean").assign(Nd4j.randn(DataType.DOUBLE, 3));
        l.getParam("rvar").assign(Nd4j.rand(DataType.DOUBLE, 3).addi(0.2));
        INDArray x = randomInput(5, 3);   // 5 rows: inference does not split into groups
        INDArray dy = Nd4j.randn(DataType.DOUBLE, 5, 3);
        forward(l, x, false);
        INDArray dx = backward(l, dy).getSecond();
        INDArray scale = l.getParam("gamma").div(org.nd4j.linalg.ops.transforms.Transforms.sqrt(l.getParam("rvar").add(EPS), true));
        assertTrue(relDiff(dx, dy.mulRowVector(scale)) < 1e-12);
    }

    @Test
    void floatMatchesDoubleEvenWithLargeMeansAndAgreesWithDl4jOneDnn() {
        Nd4j.getRandom().setSeed(16);
        long[] shape = {8, 4, 6, 6};
        INDArray xd = Nd4j.randn(DataType.DOUBLE, shape).muli(0.5).addi(40.0);   // mean/std = 80
        INDArray dyd = Nd4j.randn(DataType.DOUBLE, shape);
        INDArray gamma = Nd4j.rand(DataType.DOUBLE, 4).addi(0.5), beta = Nd4j.randn(DataType.DOUBLE, 4);
        Layer ref = split(4, 2, EPS);
        setAffine(ref, gamma, beta);
        INDArray yd = forward(ref, xd, true);
        INDArray dxd = backward(ref, dyd).getSecond();

        Layer f = standalone(new SplitBatchNormalization.Builder().channels(4).groups(2).eps(EPS).build(), DataType.FLOAT);
        setAffine(f, gamma.castTo(DataType.FLOAT), beta.castTo(DataType.FLOAT));
        INDArray yf = forward(f, xd.castTo(DataType.FLOAT), true);
        INDArray dxf = backward(f, dyd.castTo(DataType.FLOAT)).getSecond();
        assertTrue(relDiff(yf.castTo(DataType.DOUBLE), yd) < 2e-4, "float forward " + relDiff(yf.castTo(DataType.DOUBLE), yd));
        assertTrue(relDiff(dxf.castTo(DataType.DOUBLE), dxd) < 2e-3, "float backward " + relDiff(dxf.castTo(DataType.DOUBLE), dxd));

        // DL4J's layer in FLOAT (oneDNN helper where enabled) on one group agrees as well
        Layer dl4j = standalone(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().nIn(4).nOut(4)
                .eps(EPS).useLogStd(false).build(), DataType.FLOAT);
        Layer ours1 = standalone(new SplitBatchNormalization.Builder().channels(4).eps(EPS).build(), DataType.FLOAT);
        INDArray xs = Nd4j.randn(DataType.FLOAT, shape).muli(2).addi(1), dys = Nd4j.randn(DataType.FLOAT, shape);
        setAffine(dl4j, gamma.castTo(DataType.FLOAT), beta.castTo(DataType.FLOAT));
        setAffine(ours1, gamma.castTo(DataType.FLOAT), beta.castTo(DataType.FLOAT));
        assertTrue(relDiff(forward(ours1, xs, true), forward(dl4j, xs, true)) < 1e-5);
        assertTrue(relDiff(backward(ours1, dys).getSecond(), backward(dl4j, dys).getSecond()) < 1e-4);
    }

    @Test
    void configurationIsValidatedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SplitBatchNormalization.Builder().channels(3).groups(0).build());
        assertTrue(e.getMessage().contains("groups"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SplitBatchNormalization.Builder().eps(0).build());
        assertTrue(e.getMessage().contains("eps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SplitBatchNormalization.Builder().momentum(1.5).build());
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());

        Layer l = split(3, 2, EPS);
        e = assertThrows(IllegalArgumentException.class, () -> forward(l, randomInput(5, 3), true));
        assertTrue(e.getMessage().contains("groups=2") && e.getMessage().contains("5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> forward(l, randomInput(4, 4), true));
        assertTrue(e.getMessage().contains("nOut=3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> forward(split(3, 2, EPS), randomInput(2, 3), true));
        assertTrue(e.getMessage().contains("more than one value"), e.getMessage());

        SplitBatchNormalization conf = new SplitBatchNormalization.Builder().build();
        assertThrows(IllegalStateException.class,
                () -> conf.setNIn(InputType.convolutional(8, 8, 3, org.deeplearning4j.nn.conf.CNN2DFormat.NHWC), true));
        conf.setNIn(InputType.convolutional(8, 8, 3), true);
        assertEquals(3, conf.getNOut());
    }
}
