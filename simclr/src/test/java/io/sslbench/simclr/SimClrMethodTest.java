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
        // the loss lies between 0 and its chance level 2 log(2N-1) (all similarities equal; the official scale sums
        // the two views' means)
        assertTrue(v > 0 && v < 2 * Math.log(15), "NT-Xent at init " + v);
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

    /**
     * Issue 15: model_util.py's heads. Every layer is dense without bias + BN; the hidden BNs have scale and shift, the
     * last BN scale only (center=False), in the MLP head of v1 and v2 and in the one-layer "linear" ablation; after
     * training steps that last BN's beta is still 0 and its gamma has moved.
     */
    @Test
    void projectionHeadsFollowTheOfficialCode() {
        for (String[] c : new String[][]{{"simclr-cifar10", "mlp", "1"}, {"simclr-v2-cifar10", "mlp", "2"},
                {"simclr-cifar10", "linear", "0"}}) {
            MethodHarness h = MethodHarness.of(c[0], "batchSize=8", "method.outDim=4", "method.head=" + c[1]);
            var g = h.trainer.context().online();
            int last = Integer.parseInt(c[2]);
            for (int i = 0; i <= last; i++) {
                assertNull(g.getLayer("proj" + i + "_fc").getParam("b"), c[0] + " " + c[1] + ": no bias before BN");
                var bn = (io.sslbench.core.nn.fast.FastBatchNormalization) g.getLayer("proj" + i + "_bn").conf().getLayer();
                assertFalse(bn.isLockGammaBeta());
                assertEquals(i < last, bn.isCenter(), c[0] + " " + c[1] + " layer " + i + ": shift only in hidden layers");
            }
            String lastBn = "proj" + last + "_bn";
            for (int s = 0; s < 2; s++) {
                h.step(s);
            }
            assertEquals(0.0, g.getParam(lastBn + "_beta").amaxNumber().doubleValue(), 0.0, "beta stays 0");
            assertNotEquals(1.0, g.getParam(lastBn + "_gamma").getDouble(0), "gamma is trained");
        }
    }

    /** Head outputs in training mode (batch statistics) of the rows of {@code x}. */
    static org.nd4j.linalg.api.ndarray.INDArray trainForward(MethodHarness h, org.nd4j.linalg.api.ndarray.INDArray x) {
        return h.trainer.context().online().feedForward(new org.nd4j.linalg.api.ndarray.INDArray[]{x}, true)
                .get(h.trainer.context().headVertex()).dup();
    }

    /**
     * Issue 18 item 2: with method.bnDevices = G each simulated device normalises its own images' rows of both views
     * together: changing device 1's images leaves device 0's outputs bit-identical; with global BN (G = 1) they move.
     */
    @Test
    void perDeviceBnNormalisesEachDevicesRowsOfBothViewsTogether() {
        for (int devices : new int[]{2, 1}) {
            MethodHarness h = MethodHarness.withBackbone("small-cifar", "simclr-cifar10", "batchSize=8", "method.outDim=4",
                    "method.bnDevices=" + devices);
            var views = h.data.batch(0, 0).views();
            var x = org.nd4j.linalg.factory.Nd4j.concat(0, views[0], views[1]);
            var before = trainForward(h, x);
            var changed = x.dup();
            for (int r : new int[]{4, 5, 6, 7, 12, 13, 14, 15}) { // device 1 of 2: images 4..7 in both views
                changed.get(org.nd4j.linalg.indexing.NDArrayIndex.point(r)).muli(3).addi(1);
            }
            var after = trainForward(h, changed);
            var device0 = org.nd4j.linalg.indexing.NDArrayIndex.indices(0, 1, 2, 3, 8, 9, 10, 11);
            boolean same = before.get(device0, org.nd4j.linalg.indexing.NDArrayIndex.all())
                    .equals(after.get(device0, org.nd4j.linalg.indexing.NDArrayIndex.all()));
            assertEquals(devices == 2, same, devices + " devices: device 0's outputs depend on device 1's images");
        }
        assertThrows(io.sslbench.core.config.ConfigException.class,
                () -> MethodHarness.of("simclr-cifar10", "batchSize=8", "method.bnDevices=3"));
        assertThrows(io.sslbench.core.config.ConfigException.class,
                () -> MethodHarness.of("simclr-cifar10", "batchSize=8", "method.bnDevices=2", "method.bnPerView=true"));
    }

    @Test
    void theStepReportsItsPretextAccuracy() {
        MethodHarness h = MethodHarness.of("simclr-cifar10", "batchSize=8", "method.outDim=16");
        var g = h.step(0);
        assertEquals(io.sslbench.core.loss.PretextAccuracy.ntXent(g.onlineOutput()),
                h.method.diagnostics().get(io.sslbench.core.loss.PretextAccuracy.DIAGNOSTIC), 0.0);
    }
}
