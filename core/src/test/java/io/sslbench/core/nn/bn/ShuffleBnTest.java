package io.sslbench.core.nn.bn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ShuffleBnTest {
    private static final int IN = 4, OUT = 3;
    private static final double EPS = 1e-5;

    /** in -> dense(4->3, identity, bias) -> DL4J BatchNormalization; random W, b, gamma, beta. */
    private static ComputationGraph tinyKeyEncoder() {
        return tinyKeyEncoder(false);
    }

    /** @param splitBn use {@link SplitBatchNormalization} (G = 1) instead of DL4J's layer */
    private static ComputationGraph tinyKeyEncoder(boolean splitBn) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(3)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(IN))
                .addLayer("fc", new DenseLayer.Builder().nOut(OUT).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", splitBn ? new SplitBatchNormalization.Builder().eps(EPS).build()
                        : new BatchNormalization.Builder().eps(EPS).build(), "fc")
                .setOutputs("bn").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Nd4j.getRandom().setSeed(17);
        g.getLayer("fc").getParam("W").assign(Nd4j.randn(DataType.DOUBLE, IN, OUT));
        g.getLayer("fc").getParam("b").assign(Nd4j.randn(DataType.DOUBLE, 1, OUT).reshape(g.getLayer("fc").getParam("b").shape()));
        g.getLayer("bn").getParam("gamma").assign(Nd4j.rand(DataType.DOUBLE, OUT).addi(0.5));
        g.getLayer("bn").getParam("beta").assign(Nd4j.randn(DataType.DOUBLE, OUT));
        return g;
    }

    /** Per-group BN transcribed with loops: z = xs W + b, per group mu/var (biased), gamma xhat + beta, unshuffle. */
    private static double[][] handShuffleBn(ComputationGraph g, INDArray x, int groups, int[] perm) {
        double[][] w = g.getLayer("fc").getParam("W").toDoubleMatrix();
        double[] b = g.getLayer("fc").getParam("b").reshape(OUT).toDoubleVector();
        double[] gamma = g.getLayer("bn").getParam("gamma").reshape(OUT).toDoubleVector();
        double[] beta = g.getLayer("bn").getParam("beta").reshape(OUT).toDoubleVector();
        double[][] xd = x.toDoubleMatrix();
        int n = xd.length, per = n / groups;
        double[][] z = new double[n][OUT];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < OUT; o++) {
                double s = b[o];
                for (int k = 0; k < IN; k++) {
                    s += xd[perm[i]][k] * w[k][o];
                }
                z[i][o] = s;
            }
        }
        double[][] out = new double[n][OUT];
        for (int gr = 0; gr < groups; gr++) {
            for (int o = 0; o < OUT; o++) {
                double mu = 0;
                for (int i = gr * per; i < (gr + 1) * per; i++) {
                    mu += z[i][o];
                }
                mu /= per;
                double var = 0;
                for (int i = gr * per; i < (gr + 1) * per; i++) {
                    var += (z[i][o] - mu) * (z[i][o] - mu);
                }
                var /= per;
                for (int i = gr * per; i < (gr + 1) * per; i++) {
                    out[perm[i]][o] = gamma[o] * (z[i][o] - mu) / Math.sqrt(var + EPS) + beta[o];
                }
            }
        }
        return out;
    }

    @Test
    void groupsUseTheirOwnBatchStatistics() {
        ComputationGraph g = tinyKeyEncoder();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 12, IN);
        INDArray fullBatch = g.output(true, x.dup())[0];
        for (int groups : new int[]{2, 3, 4}) {
            long seed = 100 + groups;
            int[] perm = BatchShuffle.shuffle(x, new SplittableRandom(seed)).perm();
            INDArray got = ShuffleBn.forward(g, x, groups, new SplittableRandom(seed));
            double[][] want = handShuffleBn(g, x, groups, perm);
            assertArrayEquals(new long[]{12, OUT}, got.shape());
            for (int i = 0; i < 12; i++) {
                assertArrayEquals(want[i], got.getRow(i).toDoubleVector(), 1e-10, "groups=" + groups + " row " + i);
            }
            // and per-group statistics really differ from full-batch ones
            assertTrue(got.sub(fullBatch).amaxNumber().doubleValue() > 1e-3, "groups=" + groups + " equals full-batch BN");
        }
    }

    @Test
    void worksWithSplitBatchNormalizationInTheKeyEncoder() {
        ComputationGraph g = tinyKeyEncoder(true);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 8, IN);
        int[] perm = BatchShuffle.shuffle(x, new SplittableRandom(9)).perm();
        INDArray got = ShuffleBn.forward(g, x, 4, new SplittableRandom(9));
        double[][] want = handShuffleBn(g, x, 4, perm);
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(want[i], got.getRow(i).toDoubleVector(), 1e-10, "row " + i);
        }
    }

    @Test
    void oneGroupIsFullBatchBnWhateverTheShuffle() {
        ComputationGraph g = tinyKeyEncoder();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 10, IN);
        INDArray fullBatch = g.output(true, x.dup())[0];
        for (long seed = 0; seed < 3; seed++) {
            INDArray got = ShuffleBn.forward(g, x, 1, new SplittableRandom(seed));
            assertEquals(0.0, got.sub(fullBatch).amaxNumber().doubleValue(), 1e-12);
            double[][] want = handShuffleBn(g, x, 1, BatchShuffle.shuffle(x, new SplittableRandom(seed)).perm());
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(want[i], got.getRow(i).toDoubleVector(), 1e-10);
            }
        }
    }

    @Test
    void leavesInputAndTrainableParametersAlone() {
        ComputationGraph g = tinyKeyEncoder();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 8, IN);
        INDArray xBefore = x.dup();
        INDArray w = g.getLayer("fc").getParam("W").dup();
        INDArray gamma = g.getLayer("bn").getParam("gamma").dup();
        ShuffleBn.forward(g, x, 2, new SplittableRandom(1));
        assertEquals(xBefore, x);
        assertEquals(w, g.getLayer("fc").getParam("W"));
        assertEquals(gamma, g.getLayer("bn").getParam("gamma"));
    }

    @Test
    void rejectsBatchNotDivisibleByGroups() {
        ComputationGraph g = tinyKeyEncoder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShuffleBn.forward(g, Nd4j.randn(DataType.DOUBLE, 10, IN), 4, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("groups=4"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ShuffleBn.forward(g, Nd4j.randn(DataType.DOUBLE, 4, IN), 0, new SplittableRandom(1)));
    }
}
