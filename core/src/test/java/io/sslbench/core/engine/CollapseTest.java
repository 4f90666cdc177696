package io.sslbench.core.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class CollapseTest {

    /** Naive transcription of SimSiam Sec. 4.1: normalise each row, unbiased std per channel, mean. */
    private static double naiveStd(double[][] z) {
        int n = z.length, d = z[0].length;
        double[][] u = new double[n][d];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (double v : z[i]) {
                s += v * v;
            }
            double norm = Math.max(Math.sqrt(s), 1e-12);
            for (int j = 0; j < d; j++) {
                u[i][j] = z[i][j] / norm;
            }
        }
        double total = 0;
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += u[i][j];
            }
            mean /= n;
            double ss = 0;
            for (int i = 0; i < n; i++) {
                ss += (u[i][j] - mean) * (u[i][j] - mean);
            }
            total += Math.sqrt(ss / (n - 1));
        }
        return total / d;
    }

    @Test
    void matchesNaiveLoop() {
        Nd4j.getRandom().setSeed(7);
        INDArray z = Nd4j.randn(DataType.DOUBLE, 37, 11).addi(0.3);
        assertEquals(naiveStd(z.toDoubleMatrix()), Collapse.std(z), 1e-12);
    }

    @Test
    void gaussianEmbeddingsReadAboutOneOverSqrtD() {
        Nd4j.getRandom().setSeed(1);
        for (int d : new int[]{16, 128, 512}) {
            INDArray z = Nd4j.randn(DataType.FLOAT, 4096, d);
            double std = Collapse.std(z);
            assertEquals(1 / Math.sqrt(d), std, 0.03 / Math.sqrt(d), "d=" + d);
            assertFalse(Collapse.Verdict.of(std, d).collapsed());
        }
    }

    @Test
    void collapsedEmbeddingsReadNearZeroAndAreFlagged() {
        Nd4j.getRandom().setSeed(2);
        int d = 128;
        INDArray common = Nd4j.randn(DataType.DOUBLE, 1, d);
        // every row is the same vector (scaled differently) plus 1% noise
        INDArray scales = Nd4j.rand(DataType.DOUBLE, 256, 1).addi(0.5);
        INDArray z = common.repeat(0, 256).mulColumnVector(scales)
                .addi(Nd4j.randn(DataType.DOUBLE, 256, d).muli(0.01 * common.norm2Number().doubleValue() / Math.sqrt(d)));
        double std = Collapse.std(z);
        assertTrue(std < 0.02 / Math.sqrt(d), "std " + std);
        Collapse.Verdict v = Collapse.Verdict.of(std, d);
        assertTrue(v.collapsed());
        assertEquals(0.1 / Math.sqrt(d), v.threshold(), 1e-15);
    }

    @Test
    void invariantToRowScalingAndDoesNotMutate() {
        Nd4j.getRandom().setSeed(3);
        INDArray z = Nd4j.randn(DataType.DOUBLE, 50, 8);
        INDArray copy = z.dup();
        INDArray scaled = z.mulColumnVector(Nd4j.rand(DataType.DOUBLE, 50, 1).muli(100).addi(0.01));
        assertEquals(Collapse.std(z), Collapse.std(scaled), 1e-12);
        assertEquals(copy, z);
    }

    @Test
    void verdictBoundaryAndValidation() {
        int d = 64;
        assertTrue(Collapse.Verdict.of(Math.nextDown(Collapse.threshold(d)), d).collapsed());
        assertFalse(Collapse.Verdict.of(Collapse.threshold(d), d).collapsed());
        assertEquals(0.5, Collapse.Verdict.of(0.5 / 8, d).ratioToHealthy(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Collapse.Verdict.of(-1e-3, d));
        assertThrows(IllegalArgumentException.class, () -> Collapse.Verdict.of(0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> Collapse.std(Nd4j.ones(1, 4)));
        assertThrows(IllegalArgumentException.class, () -> Collapse.std(Nd4j.ones(2, 4, 1)));
    }

    @Test
    void degenerateLossRuleNeedsBothTheLossAtItsTrivialValueAndAShrunkenSpread() {
        int d = 512;                                        // 1/sqrt(d) = 0.0442
        var simsiam = java.util.Optional.of(new Collapse.TrivialLoss(-1, 2)); // tolerance 0.1 * 2 = 0.2
        // SimSiam without stop-gradient after 200 CPU steps: loss -0.95, std 0.28/sqrt(d)
        Collapse.Verdict v = Collapse.Verdict.of(0.28 / Math.sqrt(d), d, -0.95, simsiam);
        assertTrue(v.collapsed());
        assertTrue(v.reason().contains("degenerate value -1.0000"), v.reason());
        // the same spread with the loss away from -1 (a healthy but anisotropic run) is not collapse
        assertFalse(Collapse.Verdict.of(0.28 / Math.sqrt(d), d, -0.75, simsiam).collapsed());
        // the loss at -1 with a healthy spread is not collapse either (a long healthy SimSiam run)
        assertFalse(Collapse.Verdict.of(0.6 / Math.sqrt(d), d, -0.99, simsiam).collapsed());
        // boundaries: |loss - value| <= 0.2 and std < 0.5/sqrt(d)
        assertTrue(Collapse.Verdict.of(Math.nextDown(0.5 / Math.sqrt(d)), d, -0.8, simsiam).collapsed());
        assertFalse(Collapse.Verdict.of(0.5 / Math.sqrt(d), d, -0.8, simsiam).collapsed());
        assertFalse(Collapse.Verdict.of(0.2 / Math.sqrt(d), d, -0.79, simsiam).collapsed());
        // methods without a degenerate loss, or no loss: only the std rule
        assertFalse(Collapse.Verdict.of(0.2 / Math.sqrt(d), d, -1, java.util.Optional.empty()).collapsed());
        assertFalse(Collapse.Verdict.of(0.2 / Math.sqrt(d), d, Double.NaN, simsiam).collapsed());
        Collapse.Verdict complete = Collapse.Verdict.of(0.05 / Math.sqrt(d), d, 3.0, simsiam);
        assertTrue(complete.collapsed());
        assertTrue(complete.reason().startsWith("output std"), complete.reason());
        assertEquals("", Collapse.Verdict.of(0.9 / Math.sqrt(d), d).reason());
        assertThrows(IllegalArgumentException.class, () -> new Collapse.TrivialLoss(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Collapse.TrivialLoss(Double.NaN, 1));
    }

    @Test
    void diagnosticLimitRuleFiresAtItsLimitAndNamesWhatItMeans() {
        int d = 128;
        var limits = java.util.List.of(new Collapse.DiagnosticLimit("codeEntropy", 0.99, "uniform codes"));
        double healthyStd = 0.8 / Math.sqrt(d);
        Collapse.Verdict at = Collapse.Verdict.of(healthyStd, d, 5.7, java.util.Optional.empty(),
                java.util.Map.of("codeEntropy", 0.99), limits);
        assertTrue(at.collapsed());
        assertEquals("codeEntropy 0.9900 >= 0.9900: uniform codes", at.reason());
        assertFalse(Collapse.Verdict.of(healthyStd, d, 5.7, java.util.Optional.empty(),
                java.util.Map.of("codeEntropy", Math.nextDown(0.99)), limits).collapsed());
        // a diagnostic the run did not report never fires; the std rule still does, with its own reason
        assertFalse(Collapse.Verdict.of(healthyStd, d, 5.7, java.util.Optional.empty(), java.util.Map.of(), limits).collapsed());
        Collapse.Verdict both = Collapse.Verdict.of(0.01 / Math.sqrt(d), d, 5.7, java.util.Optional.empty(),
                java.util.Map.of("codeEntropy", 1.0), limits);
        assertTrue(both.reason().startsWith("output std"), both.reason());
        assertThrows(IllegalArgumentException.class, () -> new Collapse.DiagnosticLimit("x", Double.NaN, "m"));
    }

    @Test
    void trajectoryRuleFlagsACompleteCollapseAtAnyEpochEndEvenAfterARecovery() {
        int d = 128;                                        // threshold 0.1/sqrt(d) = 0.00884
        // MoCo with momentum 0 in the quick suite collapses this far at an early epoch end (measured: 0.0034 at the end
        // of epoch 2) and recovers to about 0.05
        Collapse.Verdict moco = Collapse.Verdict.of(0.049, d).withTrajectory(0.0034, 1);
        assertTrue(moco.collapsed());
        assertEquals("output std fell to 0.0034 < 0.1/sqrt(d) = 0.0088 at the end of epoch 1 (complete collapse; "
                + "0.0490 at the end of training)", moco.reason());
        // boundary: strictly below the threshold
        assertTrue(Collapse.Verdict.of(0.05, d).withTrajectory(Math.nextDown(Collapse.threshold(d)), 2).collapsed());
        assertFalse(Collapse.Verdict.of(0.05, d).withTrajectory(Collapse.threshold(d), 2).collapsed());
        // a healthy run's lowest epoch-end std (the lowest measured in the quick suite was 0.248/sqrt(d)) is not collapse
        assertFalse(Collapse.Verdict.of(0.05, d).withTrajectory(0.25 / Math.sqrt(d), 1).collapsed());
        // unknown trajectory (epoch 0: a summary written before it was kept, whose fields read 0) never fires
        assertFalse(Collapse.Verdict.of(0.05, d).withTrajectory(0.0, 0).collapsed());
        assertFalse(Collapse.Verdict.of(0.05, d).withTrajectory(Double.NaN, 0).collapsed());
        // a verdict already collapsed keeps its own reason
        Collapse.Verdict end = Collapse.Verdict.of(0.001, d).withTrajectory(0.0005, 3);
        assertTrue(end.reason().startsWith("output std 0.0010"), end.reason());
    }
}
