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

    /** Issue 15: the official code forwards each view separately, so BN normalises each view on its own. */
    @Test
    void everyBnLayerOfTheOnlineAndTargetNetworksNormalisesEachViewByDefault() {
        String[] small = {"batchSize=8", "method.projHidden=16", "method.projOut=8", "method.predHidden=16"};
        MethodHarness perView = MethodHarness.of("byol-cifar10", small);
        String[] stacked = java.util.Arrays.copyOf(small, small.length + 1);
        stacked[small.length] = "method.bnPerView=false";
        MethodHarness together = MethodHarness.of("byol-cifar10", stacked);
        for (var entry : java.util.Map.of(perView, 2, together, 1).entrySet()) {
            var ctx = entry.getKey().trainer.context();
            for (var g : java.util.List.of(ctx.online(), ctx.emaTarget("target").graph())) {
                long bns = java.util.Arrays.stream(g.getLayers()).filter(l -> l.conf().getLayer()
                        instanceof io.sslbench.core.nn.fast.FastBatchNormalization).count();
                assertTrue(bns >= 2, "the MLPs' BN layers at least: " + bns);
                for (var l : g.getLayers()) {
                    if (l.conf().getLayer() instanceof io.sslbench.core.nn.fast.FastBatchNormalization f) {
                        assertEquals(entry.getValue(), f.getGroups(), l.conf().getLayer().getLayerName());
                    }
                }
            }
        }
        assertFalse(perView.method.deviations().stream().anyMatch(d -> d.startsWith("method.bnPerView")));
        assertTrue(together.method.deviations().stream().anyMatch(d -> d.startsWith("method.bnPerView=false")),
                together.method.deviations().toString());
        // the same initial weights and batch, normalised per view or over both: another loss
        double a = perView.step(0).loss().value(), b = together.step(0).loss().value();
        assertTrue(Double.isFinite(a) && Double.isFinite(b) && Math.abs(a - b) > 1e-4, a + " vs " + b);
    }

    /** Issue 18: the survey's ablation of BN inside the MLPs. */
    @Test
    void withoutMlpBnTheHiddenLayersHaveABiasAndNoBatchNorm() {
        MethodHarness h = MethodHarness.of("byol-cifar10", "batchSize=8", "method.projHidden=16", "method.projOut=8",
                "method.predHidden=16", "method.mlpBn=false");
        var g = h.trainer.context().online();
        for (String mlp : new String[]{"proj", "pred"}) {
            assertNotNull(g.getLayer(mlp + "0_fc").getParam("b"), mlp + ": hidden layer with bias");
            assertNull(g.getLayer(mlp + "1_fc").getParam("b"), mlp + ": last layer still without bias");
            assertTrue(java.util.Arrays.stream(g.getLayers()).noneMatch(l -> l.conf().getLayer().getLayerName().startsWith(mlp)
                    && l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization), mlp + ": no BN");
        }
        assertTrue(h.method.deviations().stream().anyMatch(d -> d.startsWith("method.mlpBn=false")));
        assertTrue(Double.isFinite(h.step(0).loss().value()));
    }
}
