package io.sslbench.simclr;

import io.sslbench.core.testing.MethodHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SimClrMethodTest {

    @Test
    void stepOnTwoViewsGivesAFiniteNtXentBelowItsChanceLevel() {
        MethodHarness h = MethodHarness.of("simclr-cifar10", "batchSize=8", "method.outDim=16");
        var g = h.step(0);
        assertEquals(16, g.onlineOutput().size(0));
        assertEquals(16, g.onlineOutput().size(1));
        double v = g.loss().value();
        // the synthetic views of one image are near-identical, so even at init the positive pair stands out:
        // the loss lies between 0 and its chance level log(2N-1) (all similarities equal)
        assertTrue(v > 0 && v < Math.log(15), "NT-Xent at init " + v);
        assertTrue(h.trainer.context().online().getFlattenedGradients().norm2Number().doubleValue() > 0);
    }

    @Test
    void headAblationsAndV2FineTuneVertex() {
        assertEquals(16, MethodHarness.of("simclr-cifar10", "batchSize=8", "method.head=none").step(0).onlineOutput().size(1),
                "no head: z = h (tiny encoder width 16)");
        assertEquals(4, MethodHarness.of("simclr-cifar10", "batchSize=8", "method.head=linear", "method.outDim=4")
                .step(0).onlineOutput().size(1));
        MethodHarness v2 = MethodHarness.of("simclr-v2-cifar10", "batchSize=8", "method.outDim=4");
        assertEquals("proj0_act", v2.method.fineTuneFrom("enc_features"));
        assertEquals("enc_features", MethodHarness.of("simclr-cifar10", "batchSize=8").method.fineTuneFrom("enc_features"));
        assertThrows(IllegalArgumentException.class, () -> MethodHarness.of("simclr-cifar10", "method.temperature=0"));
    }
}
