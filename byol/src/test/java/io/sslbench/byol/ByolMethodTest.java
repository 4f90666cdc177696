package io.sslbench.byol;

import io.sslbench.core.engine.EmaTarget;
import io.sslbench.core.optim.Schedules;
import io.sslbench.core.testing.MethodHarness;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.*;

class ByolMethodTest {

    @Test
    void targetIsAnEmaOfTheOnlineNetworkWithTheCosineScheduleAndGetsNoGradient() {
        MethodHarness h = MethodHarness.of("byol-cifar10", "batchSize=8", "method.projHidden=16", "method.projOut=8",
                "method.predHidden=16", "method.baseMomentum=0.9");
        EmaTarget target = h.trainer.context().emaTarget("target");
        for (int s = 0; s < 2; s++) {
            INDArray before = target.params().dup();
            var g = h.step(s);
            assertTrue(Double.isFinite(g.loss().value()) && g.loss().value() >= 0 && g.loss().value() <= 8);
            double tau = Schedules.cosineMomentum(0.9, s, h.trainer.context().totalSteps());
            INDArray expected = before.mul(tau).addi(h.trainer.context().online().params().mul(1 - tau));
            assertTrue(expected.equalsWithEps(target.params(), 1e-5),
                    "target = tau*target + (1-tau)*online after step " + s + " (tau " + tau + ")");
        }
        assertEquals(0.9, Schedules.cosineMomentum(0.9, 0, 100), 1e-12);
        assertEquals(1.0, Schedules.cosineMomentum(0.9, 100, 100), 1e-12);
    }

    /** Issue 15: networks.py's MLP ends with hk.Linear(output_size, with_bias=False), in projector and predictor. */
    @Test
    void lastLayersOfProjectorAndPredictorHaveNoBias() {
        MethodHarness h = MethodHarness.of("byol-cifar10", "batchSize=8", "method.projHidden=16", "method.projOut=8",
                "method.predHidden=16");
        var g = h.trainer.context().online();
        for (String mlp : new String[]{"proj", "pred"}) {
            assertNull(g.getLayer(mlp + "1_fc").getParam("b"), mlp + ": last layer without bias");
            assertNotNull(g.getLayer(mlp + "1_fc").getParam("W"));
            assertNull(g.getLayer(mlp + "0_fc").getParam("b"), mlp + ": the BN after the first layer cancels its bias");
        }
    }
}
