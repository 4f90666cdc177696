package io.sslbench.moco;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.engine.EmaTarget;
import io.sslbench.core.engine.Trainer;
import io.sslbench.core.loss.L2Normalize;
import io.sslbench.core.testing.MethodHarness;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.*;

class MocoMethodTest {

    @Test
    void queueHoldsTheMomentumEncodersKeysInOrder() {
        // one ShuffleBN group: the keys are then exactly the key encoder's output on view 2
        MethodHarness h = MethodHarness.of("moco-v2-cifar10", "batchSize=8", "method.queueSize=24",
                "method.shuffleGroups=1", "method.momentum=0.5");
        Moco moco = (Moco) h.method;
        EmaTarget key = h.trainer.context().emaTarget("key");
        for (int s = 0; s < 2; s++) {
            INDArray onlineBefore = h.trainer.context().online().params().dup();
            INDArray keyBefore = key.params().dup();
            var batch = h.data.batch(0, s);
            h.step(s);
            // momentum update happened before the keys: key = 0.5 key + 0.5 online(before the step)
            INDArray expectedKeyParams = keyBefore.mul(0.5).addi(onlineBefore.mul(0.5));
            assertTrue(expectedKeyParams.equalsWithEps(key.params(), 1e-5), "key encoder = EMA of the query encoder");
            INDArray keys = L2Normalize.forward(key.forward(h.trainer.context().headVertex(), batch.views()[1]), "k").unit();
            INDArray newest = moco.queueSnapshot().get(NDArrayIndex.interval(s * 8, (s + 1) * 8), NDArrayIndex.all());
            assertTrue(keys.equalsWithEps(newest, 1e-4), "diff " + keys.sub(newest).amaxNumber() + " views eq " + batch.views()[1].equalsWithEps(h.data.batch(0, s).views()[1], 1e-6) + " queue rows " + s * 8 + ".." + ((s + 1) * 8) + " are this step's keys");
        }
    }

    @Test
    void onlyTheQueryEncoderReceivesGradients() {
        MethodHarness h = MethodHarness.of("moco-v1-cifar10", "batchSize=8", "method.queueSize=16", "method.shuffleGroups=2");
        Trainer.StepGradients g = h.step(0);
        // at init the key encoder is a copy of the query encoder and the synthetic views are near-identical,
        // so the positive logit (~1/tau) dominates the K=16 random negatives: the loss is small and positive
        assertTrue(g.loss().value() >= 0 && g.loss().value() < Math.log(17), "loss " + g.loss().value());
        assertTrue(h.trainer.context().online().getFlattenedGradients().norm2Number().doubleValue() > 0);
        assertEquals(8, g.onlineOutput().size(0), "queries come from view 1 only");
    }

    @Test
    void invalidQueueAndGroupsAreRejectedWithTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MethodHarness.of("moco-v2-cifar10", "batchSize=8", "method.queueSize=20"));
        assertTrue(e.getMessage().contains("method.queueSize"), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> MethodHarness.of("moco-v2-cifar10", "batchSize=8", "method.queueSize=16", "method.shuffleGroups=3"));
        assertTrue(e.getMessage().contains("method.shuffleGroups"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> MethodHarness.of("moco-v2-cifar10", "method.momentum=1.5"));
        assertTrue(e.getMessage().contains("method.momentum"), e.getMessage());
    }

    /**
     * Issue 15: MoCo v1's bundled config has main_moco.py's step schedule (--schedule 120 160, lr x0.1 each, of 200
     * epochs: constant before); v2 keeps the cosine. Three synthetic batches an epoch.
     */
    @Test
    void v1StepsTheLearningRateAtEpochs120And160Of200() {
        MethodHarness h = MethodHarness.of("moco-v1-cifar10", "batchSize=8", "method.queueSize=16", "method.shuffleGroups=2",
                "epochs=200");
        double base = 0.03 * 8 / 256;
        int perEpoch = 3;
        assertEquals(base, h.trainer.learningRate(0), 1e-15);
        assertEquals(base, h.trainer.learningRate(120L * perEpoch - 1), 1e-15);
        assertEquals(base * 0.1, h.trainer.learningRate(120L * perEpoch), 1e-15);
        assertEquals(base * 0.01, h.trainer.learningRate(160L * perEpoch), 1e-15);
        assertEquals(base * 0.01, h.trainer.learningRate(200L * perEpoch - 1), 1e-15);
        MethodHarness v2 = MethodHarness.of("moco-v2-cifar10", "batchSize=8", "method.queueSize=16", "method.shuffleGroups=2",
                "epochs=200");
        assertTrue(v2.config.optim().lrSteps().isEmpty());
        assertEquals(0.5 * base * 8 / 8, v2.trainer.learningRate(100L * perEpoch), 1e-9, "v2: cosine, half at mid-run");
    }

    /**
     * Issue 15 / 18 item 2: the official per-GPU BN of the queries (G simulated devices: device 0's query outputs do
     * not depend on device 1's images), the keys through the same per-device layers in one forward, unshuffled with
     * method.shuffleBn=false (then exactly the key encoder's forward of the batch as it is) and shuffled by default.
     */
    @Test
    void queriesPerDeviceAndKeysWithAndWithoutShufflingBn() {
        for (boolean perDevice : new boolean[]{true, false}) {
            MethodHarness h = MethodHarness.withBackbone("small-cifar", "moco-v2-cifar10", "batchSize=8",
                    "method.queueSize=16", "method.shuffleGroups=2", "method.queryBnPerDevice=" + perDevice);
            INDArray x = h.data.batch(0, 0).views()[0];
            var online = h.trainer.context().online();
            String head = h.trainer.context().headVertex();
            INDArray before = online.feedForward(new INDArray[]{x}, true).get(head).dup();
            INDArray changed = x.dup();
            changed.get(NDArrayIndex.interval(4, 8)).muli(3).addi(1);
            INDArray after = online.feedForward(new INDArray[]{changed}, true).get(head).dup();
            assertEquals(perDevice, before.get(NDArrayIndex.interval(0, 4)).equals(after.get(NDArrayIndex.interval(0, 4))),
                    "queries per device: " + perDevice);
        }
        for (boolean shuffle : new boolean[]{false, true}) {
            MethodHarness h = MethodHarness.withBackbone("small-cifar", "moco-v2-cifar10", "batchSize=8",
                    "method.queueSize=16", "method.shuffleGroups=2", "method.shuffleBn=" + shuffle, "method.momentum=0.5");
            var batch = h.data.batch(0, 0);
            h.step(0);
            EmaTarget key = h.trainer.context().emaTarget("key");
            INDArray unshuffled = L2Normalize.forward(key.forward(h.trainer.context().headVertex(), batch.views()[1]),
                    "k").unit();
            INDArray queued = ((Moco) h.method).queueSnapshot().get(NDArrayIndex.interval(0, 8), NDArrayIndex.all());
            assertEquals(!shuffle, unshuffled.equalsWithEps(queued, 1e-5), "keys = the unshuffled per-device forward: "
                    + !shuffle);
            assertTrue(h.method.diagnostics().get(io.sslbench.core.loss.PretextAccuracy.DIAGNOSTIC) >= 0);
        }
    }
}
