package io.sslbench.simsiam;

import io.sslbench.core.engine.Trainer;
import io.sslbench.core.testing.MethodHarness;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.*;

class SimSiamMethodTest {
    static final String[] SMALL = {"batchSize=8", "method.dim=16", "method.predHidden=8"};

    private static MethodHarness harness(String... extra) {
        String[] all = java.util.Arrays.copyOf(SMALL, SMALL.length + extra.length);
        System.arraycopy(extra, 0, all, SMALL.length, extra.length);
        return MethodHarness.of("simsiam-cifar10", all);
    }

    @Test
    void stopGradientMeansNoGradientIntoTheProjectorOutputColumns() {
        MethodHarness on = harness();
        Trainer.StepGradients g = on.step(0);
        INDArray zp = g.onlineOutput();
        assertEquals(32, zp.size(1), "[z | p]");
        INDArray grad = on.method.loss(on.method.outputs().values(zp), null, on.trainer.context()).gradient(0);
        // exact: with the stop-gradient the z columns are filled with Nd4j.zeros, nothing is computed there
        assertEquals(0.0, grad.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 16)).norm2Number().doubleValue(), 0.0);
        assertTrue(grad.get(NDArrayIndex.all(), NDArrayIndex.interval(16, 32)).norm2Number().doubleValue() > 0);
        assertTrue(g.loss().value() > -1 && g.loss().value() < 1);

        MethodHarness off = harness("method.stopGradient=false");
        INDArray zp2 = off.step(0).onlineOutput();
        INDArray grad2 = off.method.loss(off.method.outputs().values(zp2), null, off.trainer.context()).gradient(0);
        assertTrue(grad2.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 16)).norm2Number().doubleValue() > 0,
                "without stop-gradient z receives a gradient");
    }

    @Test
    void withoutPredictorTheLossComparesZWithItselfAcrossViews() {
        MethodHarness h = harness("method.predictor=false");
        Trainer.StepGradients g = h.step(0);
        INDArray zp = g.onlineOutput();
        INDArray z = zp.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 16));
        INDArray p = zp.get(NDArrayIndex.all(), NDArrayIndex.interval(16, 32));
        assertEquals(z, p, "identity predictor");
        assertTrue(h.method.fixedLrPrefixes().isEmpty());
        assertEquals(java.util.Set.of("pred"), harness().method.fixedLrPrefixes());
    }
}
