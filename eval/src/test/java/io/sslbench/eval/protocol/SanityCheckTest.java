package io.sslbench.eval.protocol;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.*;

class SanityCheckTest {

    @Test
    void passesWhenNothingChanged() {
        ComputationGraph g = TestData.tinyEncoder(4, 4, 3, 4, 1);
        INDArray before = g.params().dup();
        assertDoesNotThrow(() -> SanityCheck.assertUnchanged(before, g));
    }

    @Test
    void catchesAChangedBnRunningMeanByName() {
        ComputationGraph g = TestData.tinyEncoder(4, 4, 3, 4, 1);
        INDArray before = g.params().dup();
        g.getLayer("bn").getParam("mean").putScalar(2, 0.25);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SanityCheck.assertUnchanged(before, g));
        assertTrue(e.getMessage().contains("'bn_mean'") && e.getMessage().contains("element 2"), e.getMessage());
    }

    @Test
    void namesTheFirstChangedParameterInVectorOrder() {
        ComputationGraph g = TestData.tinyEncoder(4, 4, 3, 4, 1);
        INDArray before = g.params().dup();
        g.getLayer("bn").getParam("log10stdev").putScalar(0, 0.7);
        g.getLayer("conv").getParam("W").putScalar(new long[]{1, 2, 0, 1}, 0.5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SanityCheck.assertUnchanged(before, g));
        assertTrue(e.getMessage().contains("'conv_W'"), e.getMessage());
    }

    @Test
    void catchesAChangeBelowNd4jsEqualsTolerance() {
        ComputationGraph g = TestData.tinyEncoder(4, 4, 3, 4, 1);
        INDArray before = g.params().dup();
        INDArray w = g.getLayer("conv").getParam("W");
        // one float ulp-scale change (1e-7 relative), far below the 1e-5 that INDArray.equals tolerates
        w.putScalar(new long[]{0, 1, 1, 0}, Math.nextUp(w.getFloat(new long[]{0, 1, 1, 0})));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SanityCheck.assertUnchanged(before, g));
        assertTrue(e.getMessage().contains("'conv_W'"), e.getMessage());
    }

    @Test
    void catchesAChangedBnScale() {
        ComputationGraph g = TestData.tinyEncoder(4, 4, 3, 4, 1);
        INDArray before = g.params().dup();
        g.getLayer("bn").getParam("gamma").muli(1.5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SanityCheck.assertUnchanged(before, g));
        assertTrue(e.getMessage().contains("'bn_gamma'"), e.getMessage());
    }

    @Test
    void refusesTheLiveParameterVectorAsSnapshot() {
        ComputationGraph g = TestData.tinyEncoder(4, 4, 3, 4, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SanityCheck.assertUnchanged(g.params(), g));
        assertTrue(e.getMessage().contains("dup()"), e.getMessage());
    }

    @Test
    void acceptsACopyOfARestoredGraphsParametersAndCatchesAChangeInIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.io.File f = dir.resolve("m.zip").toFile();
        org.deeplearning4j.util.ModelSerializer.writeModel(TestData.tinyEncoder(4, 4, 3, 4, 1), f, false);
        ComputationGraph g = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(f, false);
        INDArray before = g.params().dup();
        assertDoesNotThrow(() -> SanityCheck.assertUnchanged(before, g));
        assertThrows(IllegalArgumentException.class, () -> SanityCheck.assertUnchanged(g.params(), g));
        g.getLayer("bn").getParam("mean").putScalar(1, 0.5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SanityCheck.assertUnchanged(before, g));
        assertTrue(e.getMessage().contains("'bn_mean'") && e.getMessage().contains("element 1"), e.getMessage());
    }
}
