package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.testing.GradCheck;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class LinearProbeTest {

    @Test
    void objectiveGradientMatchesFiniteDifferences() {
        Nd4j.getRandom().setSeed(4);
        Random rnd = new Random(4);
        int n = 12, d = 3, c = 4;
        INDArray z = Nd4j.randn(DataType.DOUBLE, n, d);
        int[] y = rnd.ints(n, 0, c).toArray();
        LinearProbe.Objective f = new LinearProbe.Objective(z, y, c, 0.3);
        INDArray theta = Nd4j.randn(DataType.DOUBLE, 1, f.numParams());
        double[] g = new double[f.numParams()];
        f.evaluate(theta.toDoubleVector(), g);
        double err = GradCheck.maxRelativeError(t -> f.evaluate(t.toDoubleVector(), new double[f.numParams()]),
                theta, Nd4j.create(g).reshape(1, g.length), 1e-6);
        assertTrue(err < 1e-6, "relative error " + err);
    }

    /**
     * One feature, x = +1 for class 1 and -1 for class 0 (already standardised). By symmetry the optimum has
     * W = [-a, a], equal biases, and minimises log(1 + e^{-2a}) + l2 a^2, i.e. l2 a (1 + e^{2a}) = 1.
     */
    @Test
    void symmetricOneDimensionalCaseMatchesTheStationarityEquation() {
        int n = 40;
        INDArray x = Nd4j.create(DataType.DOUBLE, n, 1);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            x.putScalar(i, 0, y[i] == 1 ? 1 : -1);
        }
        for (double l2 : new double[]{1.0, 0.1, 0.01}) {
            double lo = 0, hi = 50;
            for (int it = 0; it < 200; it++) {
                double mid = 0.5 * (lo + hi);
                if (l2 * mid * (1 + Math.exp(2 * mid)) < 1) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            double a = 0.5 * (lo + hi);
            LinearProbe.Model m = LinearProbe.fit(x, y, 2, LinearProbeConfig.defaults().withL2(l2).withTolerance(1e-10));
            assertTrue(m.converged());
            assertEquals(-a, m.weights()[0][0], 1e-7, "l2=" + l2);
            assertEquals(a, m.weights()[0][1], 1e-7, "l2=" + l2);
            assertEquals(m.bias()[0], m.bias()[1], 1e-9);
            double p = m.probabilities(Nd4j.create(new double[][]{{1}}))[0][1];
            assertEquals(1 / (1 + Math.exp(-2 * a)), p, 1e-7);
        }
    }

    /** Constant features carry no information: the probe must predict the class frequencies. */
    @Test
    void constantFeaturesGiveTheClassPriors() {
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) {
            y[i] = i < 50 ? 0 : i < 80 ? 1 : 2;
        }
        INDArray x = Nd4j.ones(DataType.FLOAT, 100, 5).muli(3.5);
        LinearProbe.Model m = LinearProbe.fit(x, y, 3, LinearProbeConfig.defaults());
        assertTrue(m.converged());
        double[] p = m.probabilities(x.getRows(0))[0];
        assertArrayEquals(new double[]{0.5, 0.3, 0.2}, p, 1e-6);
    }

    @Test
    void separableClustersAreClassifiedNearPerfectly() {
        Random rnd = new Random(9);
        int c = 6, d = 20;
        double[][] centres = new double[c][d];
        for (double[] ctr : centres) {
            for (int j = 0; j < d; j++) {
                ctr[j] = 3 * rnd.nextGaussian();
            }
        }
        double[][] tr = new double[600][d], te = new double[300][d];
        int[] ytr = new int[600], yte = new int[300];
        fill(tr, ytr, centres, rnd);
        fill(te, yte, centres, rnd);
        LinearProbe.Result r = LinearProbe.evaluate(Nd4j.create(tr), ytr, Nd4j.create(te), yte, c,
                LinearProbeConfig.defaults());
        assertTrue(r.converged(), r.describe());
        assertTrue(r.top1() >= 0.99, r.describe());
        assertEquals(1.0, r.top5(), 1e-12);
        assertTrue(r.trainTop1() >= 0.99, r.describe());
        // the same features with shuffled training labels: test accuracy near chance 1/6
        int[] shuffled = rnd.ints(600, 0, c).toArray();
        LinearProbe.Result chance = LinearProbe.evaluate(Nd4j.create(tr), shuffled, Nd4j.create(te), yte, c,
                LinearProbeConfig.defaults());
        assertTrue(chance.top1() < 0.35, chance.describe());
    }

    private static void fill(double[][] x, int[] y, double[][] centres, Random rnd) {
        for (int i = 0; i < x.length; i++) {
            y[i] = i % centres.length;
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = centres[y[i]][j] + rnd.nextGaussian();
            }
        }
    }

    @Test
    void solutionIsStationaryForTheRegularisedObjective() {
        // strongly convex: a vanishing gradient certifies the global minimiser (|theta - theta*| <= |g| / l2)
        Nd4j.getRandom().setSeed(2);
        Random rnd = new Random(2);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 80, 4);
        int[] y = rnd.ints(80, 0, 3).toArray();
        LinearProbeConfig cfg = LinearProbeConfig.defaults().withL2(0.05);
        LinearProbe.Model m = LinearProbe.fit(x, y, 3, cfg);
        double[] theta = new double[4 * 3 + 3];
        for (int j = 0; j < 4; j++) {
            System.arraycopy(m.weights()[j], 0, theta, 3 * j, 3);
        }
        System.arraycopy(m.bias(), 0, theta, 12, 3);
        LinearProbe.Objective f = new LinearProbe.Objective(LinearProbe.standardise(x, m.mean(), m.std()), y, 3, 0.05);
        double[] g = new double[theta.length];
        assertEquals(m.objective(), f.evaluate(theta, g), 1e-12);
        assertTrue(Lbfgs.maxAbs(g) <= cfg.tolerance(), "gradient " + Lbfgs.maxAbs(g));
    }

    @Test
    void encoderVariantExtractsOnceAndPassesTheSanityCheck() {
        List<String> classes = List.of("airplane", "frog");
        ImageDataset train = TestData.cifar("train", classes, 60);
        ImageDataset test = TestData.cifar("test", classes, 30);
        ComputationGraph enc = TestData.tinyEncoder(32, 32, 3, 16, 42);
        INDArray before = enc.params().dup();
        LinearProbe.Result r = LinearProbe.evaluate(enc, train, test, TestData.CIFAR_MEAN, TestData.CIFAR_STD, 40,
                LinearProbeConfig.defaults());
        System.out.println("airplane vs frog, random conv encoder: " + r.describe());
        assertEquals(before, enc.params());
        assertTrue(r.top1() > 0.7, r.describe());
    }

    @Test
    void configValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LinearProbeConfig(-1, 10, 1e-6, 5));
        assertTrue(e.getMessage().contains("l2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LinearProbeConfig(0, 0, 1e-6, 5));
        assertTrue(e.getMessage().contains("maxIterations"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LinearProbeConfig(0, 10, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> new LinearProbeConfig(0, 10, 1e-6, 0));
    }
}
