package io.sslbench.swav;

import io.sslbench.core.testing.MethodHarness;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.*;

class SwavMethodTest {
    static final String[] SMALL = {"batchSize=8", "method.numPrototypes=10", "method.hidden=16", "method.outDim=8"};

    @Test
    void multiCropStepKeepsPrototypesUnitNormAndFrozenInTheFirstEpoch() {
        MethodHarness h = MethodHarness.of("swav-cifar10", SMALL);
        INDArray before = h.trainer.context().online().getParam(Swav.PROTOTYPES + "_W").dup();
        var g = h.step(0);
        assertEquals(8 * 4, g.onlineOutput().size(0), "2 global + 2 small crops, 8 images each");
        assertTrue(Double.isFinite(g.loss().value()) && g.loss().value() > 0);
        INDArray w = h.trainer.context().online().getParam(Swav.PROTOTYPES + "_W");
        INDArray norms = w.norm2(0);
        for (int k = 0; k < norms.length(); k++) {
            assertEquals(1.0, norms.getDouble(k), 1e-5, "prototype " + k + " is unit norm");
        }
        assertTrue(before.equalsWithEps(w, 1e-5), "prototypes are frozen during epoch 1 (init is already normalised)");
        assertTrue(h.trainer.context().online().getFlattenedGradients().norm2Number().doubleValue() > 0);
    }

    @Test
    void prototypesTrainAfterTheFreezeAndTheQueueFillsAndIsUsed() {
        MethodHarness h = MethodHarness.of("swav-cifar10", SMALL[0], SMALL[1], SMALL[2], SMALL[3],
                "method.freezePrototypesEpochs=0", "method.smallCrops=0", "method.queueLength=16", "method.queueStartEpoch=0");
        INDArray before = h.trainer.context().online().getParam(Swav.PROTOTYPES + "_W").dup();
        h.step(0);
        h.step(1);
        assertFalse(before.equalsWithEps(h.trainer.context().online().getParam(Swav.PROTOTYPES + "_W"), 1e-7));
        assertEquals(java.util.Set.of("queue0/queue", "queue0/ptr", "queued0", "queue1/queue", "queue1/ptr", "queued1"),
                h.method.state().keySet(), "two queues (rows + pointer) and their fill counters");
        assertEquals(16.0, h.method.state().get("queued0").getDouble(0), "two steps of 8 rows queued");
        var g = h.step(2); // queue full (2 steps x 8 rows = 16): the loss now uses it
        assertTrue(Double.isFinite(g.loss().value()));
    }

    /**
     * Issue 15: pins the documented deviation. With small crops the two resolutions are separate chunks through the
     * whole network, so the global crops' head outputs are those of the global chunk alone (head BN statistics over the
     * 2N global crops only); the official code would normalise the head over all 4N crops, which gives other outputs.
     */
    @Test
    void withSmallCropsTheProjectionHeadBnSeesOneResolutionAtATime() {
        MethodHarness h = MethodHarness.of("swav-cifar10", SMALL);
        var ctx = h.trainer.context();
        var in = h.method.prepare(ctx, h.data.batch(0, 0).views());
        assertEquals(2, in.chunks().length, "global crops, then small crops");
        long global = in.chunks()[0].size(0);
        INDArray out = h.trainer.gradients(in).onlineOutput();
        INDArray alone = ctx.online().output(java.util.List.of(ctx.headVertex()), true, new INDArray[]{in.chunks()[0]},
                null)[0];
        assertEquals(alone, out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, global),
                org.nd4j.linalg.indexing.NDArrayIndex.all()));
        // the head's first BN over all crops at once (the official layout) normalises differently
        INDArray fc = org.nd4j.linalg.factory.Nd4j.concat(0,
                ctx.online().output(java.util.List.of("proj0_fc"), true, new INDArray[]{in.chunks()[0]}, null)[0],
                ctx.online().output(java.util.List.of("proj0_fc"), true, new INDArray[]{in.chunks()[1]}, null)[0]);
        INDArray perChunk = ctx.online().output(java.util.List.of("proj0_bn"), true, new INDArray[]{in.chunks()[0]}, null)[0];
        INDArray joint = fc.subRowVector(fc.mean(0)).diviRowVector(
                org.nd4j.linalg.ops.transforms.Transforms.sqrt(fc.var(false, 0).addi(1e-5), false));
        INDArray fc0 = fc.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, global), org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray own = fc0.subRowVector(fc0.mean(0)).diviRowVector(
                org.nd4j.linalg.ops.transforms.Transforms.sqrt(fc0.var(false, 0).addi(1e-5), false));
        assertTrue(perChunk.equalsWithEps(own, 1e-4), "the formula reproduces the per-chunk BN (gamma 1, beta 0 at init)");
        assertFalse(perChunk.equalsWithEps(joint.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, global),
                org.nd4j.linalg.indexing.NDArrayIndex.all()), 1e-3), "per-resolution and joint head BN differ");
        assertTrue(h.method.deviations().stream().anyMatch(d -> d.contains("forward_head runs once")));
    }
}
