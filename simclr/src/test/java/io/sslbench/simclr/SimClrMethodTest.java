package io.sslbench.simclr;

import io.sslbench.core.testing.MethodHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SimClrMethodTest {

    @Test
    void stepOnTwoViewsGivesNtXentAroundLog2NMinus1AtInit() {
        MethodHarness h = MethodHarness.of("simclr-cifar10", "batchSize=8", "method.outDim=16");
        var g = h.step(0);
        assertEquals(16, g.onlineOutput().size(0));
        assertEquals(16, g.onlineOutput().size(1));
        double v = g.loss().value();
        assertTrue(v > 0.5 * Math.log(15) && v < 1.5 * Math.log(15), "NT-Xent at init ~ log(2N-1): " + v);
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
