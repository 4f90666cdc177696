package io.sslbench.simclr;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.EmaTarget;
import io.sslbench.core.engine.FeatureQueue;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.OnlineNetwork;
import io.sslbench.core.engine.SyntheticBatches;
import io.sslbench.core.engine.Trainer;
import io.sslbench.core.loss.L2Normalize;
import io.sslbench.core.testing.MethodHarness;
import io.sslbench.core.testing.TinyNets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** SimCLR v2's MoCo-style memory of negatives at the method level (tiny encoder, synthetic views). */
class SimClrMemoryTest {
    private static final int N = 8;

    private static INDArray rows(INDArray x, long from, long to) {
        return x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** @return the queue's rows oldest first: storage rows [ptr, K) then [0, ptr) */
    private static INDArray chronological(INDArray storage, int pointer) {
        long k = storage.rows();
        return pointer == 0 ? storage : Nd4j.concat(0, rows(storage, pointer, k), rows(storage, 0, pointer));
    }

    @Test
    void queueHoldsTheLastKKeysOfTheMomentumEncoderAndTheLossUsesThem() {
        // K = 24 is a multiple of N = 8 but not of 2N = 16: the two views are enqueued as two batches of N,
        // so the queue wraps in the middle of a step's keys at step 1
        MethodHarness h = MethodHarness.of("simclr-v2-cifar10", "batchSize=" + N, "method.outDim=8",
                "method.queueSize=24", "method.momentum=0.5",
                // no warm-up: step 0 already moves the online network (LARS warm-up starts at lr 0)
                "optim.name=sgd", "optim.lr=0.5", "optim.warmupEpochs=0");
        SimClr m = (SimClr) h.method;
        EmaTarget key = h.trainer.context().emaTarget(SimClr.MEMORY_TARGET);
        List<INDArray> enqueued = new ArrayList<>(); // every key block of N rows, oldest first
        for (int s = 0; s < 4; s++) {
            INDArray onlineBefore = h.trainer.context().online().params().dup();
            INDArray keyBefore = key.params().dup();
            INDArray queueBefore = m.memorySnapshot();
            var batch = h.data.batch(0, s);
            var g = h.step(s);

            // the memory encoder is the EMA of the online one, updated before this step's keys
            assertTrue(keyBefore.mul(0.5).addi(onlineBefore.mul(0.5)).equalsWithEps(key.params(), 1e-6),
                    "memory encoder = 0.5 memory + 0.5 online (before the step)");
            // this step's keys: the memory encoder on view 1 then view 2
            INDArray keys = L2Normalize.forward(key.forward(h.trainer.context().headVertex(),
                    Nd4j.concat(0, batch.views()[0], batch.views()[1])), "keys").unit();
            enqueued.add(rows(keys, 0, N));
            enqueued.add(rows(keys, N, 2 * N));

            // the queue holds exactly the last K keys, in order
            int held = Math.min(24, enqueued.size() * N);
            INDArray expected = Nd4j.concat(0, enqueued.subList(enqueued.size() - held / N, enqueued.size())
                    .toArray(INDArray[]::new));
            INDArray actual = chronological(m.memorySnapshot(), m.memoryPointer());
            assertTrue(expected.equalsWithEps(rows(actual, 24 - held, 24), 1e-5),
                    "step " + s + ": the newest " + held + " queue rows are the memory encoder's keys");
            assertEquals((2 * N * (s + 1)) % 24, m.memoryPointer());

            // the loss ran against the queue as it was before this step's keys
            double withQueue = NtXentLoss.withMemory(g.onlineOutput(), queueBefore, 0.5).value();
            assertEquals(withQueue, g.loss().value(), 1e-5 * Math.max(1, withQueue));
            assertTrue(g.loss().value() > NtXentLoss.compute(g.onlineOutput(), 0.5).value() + 1e-3,
                    "the K queued negatives raise the loss above the plain NT-Xent");
            if (s >= 1) {
                // after an update the online network has moved away from its average: the queue's keys are
                // the memory encoder's, not the online embeddings
                INDArray online = L2Normalize.forward(g.onlineOutput(), "online").unit();
                double gap = online.sub(keys).amaxNumber().doubleValue();
                assertTrue(gap > 1e-3, "step " + s + ": queued keys differ from the online embeddings, gap " + gap);
            }
        }
    }

    @Test
    void stateAndRestoreRoundTripTheQueue() {
        String[] sets = {"batchSize=" + N, "method.outDim=8", "method.queueSize=32"};
        MethodHarness a = MethodHarness.of("simclr-v2-memory-cifar10", sets);
        a.step(0);
        a.step(1);
        SimClr ma = (SimClr) a.method;
        Map<String, INDArray> state = ma.state();
        assertEquals(java.util.Set.of(FeatureQueue.STATE_QUEUE, FeatureQueue.STATE_POINTER), state.keySet());

        MethodHarness b = MethodHarness.of("simclr-v2-memory-cifar10", sets);
        SimClr mb = (SimClr) b.method;
        assertFalse(ma.memorySnapshot().equalsWithEps(mb.memorySnapshot(), 1e-3), "fresh queue: random keys");
        mb.restore(state);
        assertEquals(ma.memorySnapshot(), mb.memorySnapshot());
        assertEquals(ma.memoryPointer(), mb.memoryPointer());
        assertEquals(0, ma.memoryPointer(), "two steps of 2N = 16 keys fill K = 32");

        MethodHarness small = MethodHarness.of("simclr-v2-memory-cifar10", "batchSize=" + N, "method.outDim=8",
                "method.queueSize=16");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.method.restore(state));
        assertTrue(e.getMessage().contains("method.queueSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mb.restore(Map.of()));
        assertTrue(e.getMessage().contains("lacks key"), e.getMessage());
    }

    @Test
    void interruptedAndResumedRunEndsWithTheSameQueueAndMemoryEncoder(@TempDir Path straightDir, @TempDir Path resumedDir) {
        Trainer straight = trainer(straightDir);
        assertTrue(straight.run().completed());
        // stopped after step 2 of 6: the checkpointed queue pointer is 2 * 16 mod 24 = 8, mid-queue
        Trainer first = trainer(resumedDir, "engine.stopAfterSteps=2");
        assertFalse(first.run().completed());
        assertEquals(8, methodOf(first).memoryPointer());
        Trainer resumed = trainer(resumedDir);
        assertTrue(resumed.run().completed());

        SimClr a = methodOf(straight), b = methodOf(resumed);
        assertEquals(a.memoryPointer(), b.memoryPointer());
        assertTrue(a.memorySnapshot().equalsWithEps(b.memorySnapshot(), 1e-6), "queue differs after resume");
        assertTrue(straight.context().emaTarget(SimClr.MEMORY_TARGET).params()
                .equalsWithEps(resumed.context().emaTarget(SimClr.MEMORY_TARGET).params(), 1e-6),
                "memory encoder differs after resume");
        assertTrue(straight.context().online().params().equalsWithEps(resumed.context().online().params(), 1e-6),
                "online network differs after resume");
    }

    private final Map<Trainer, SimClr> methods = new java.util.IdentityHashMap<>();

    private SimClr methodOf(Trainer t) {
        return methods.get(t);
    }

    /** 2 epochs of 3 batches of N, K = 24, a checkpoint after every step, into {@code dir}. */
    private Trainer trainer(Path dir, String... extra) {
        List<String> sets = new ArrayList<>(List.of("batchSize=" + N, "epochs=2", "method.outDim=8",
                "method.queueSize=24", "method.momentum=0.9", "engine.quiet=true", "engine.onlineProbe=false",
                "engine.knnMonitorEvery=0", "engine.checkpointEverySteps=1", "optim.name=sgd", "optim.lr=0.05"));
        sets.addAll(List.of(extra));
        RunConfig cfg = RunConfig.from(ConfigTree.override(ConfigTree.load("simclr-v2-memory-cifar10"), sets));
        SimClr m = (SimClr) MethodProvider.forConfig(cfg);
        OnlineNetwork.Built net = OnlineNetwork.build(TinyNets.encoder(true), m, 3, 8, cfg.seed(), DataType.FLOAT);
        SyntheticBatches data = new SyntheticBatches(3, N, 3, new int[]{8, 8}, 10, cfg.seed(), DataType.FLOAT);
        Trainer t = new Trainer(cfg, m, net, data, dir, 10, null, null);
        methods.put(t, m);
        return t;
    }

    @Test
    void bundledMemoryConfigEqualsTheV2ConfigWithAQueue() {
        SimClrConfig bundled = bind(ConfigTree.load("simclr-v2-memory-cifar10"));
        SimClrConfig viaSet = bind(ConfigTree.override(ConfigTree.load("simclr-v2-cifar10"),
                List.of("method.queueSize=4096")));
        assertEquals(viaSet, bundled);
        assertEquals(new SimClrConfig("simclr-v2", 0.5, "mlp", 3, 0, 128, 4096, 0.999, true, "all", false, 1), bundled);
        // the shipped configs without the key bind with the memory off; their trees (hence hashes) hold no new key
        for (String off : new String[]{"simclr-cifar10", "simclr-v2-cifar10"}) {
            Map<String, Object> tree = ConfigTree.load(off);
            assertFalse(RunConfig.from(tree).method().containsKey("queueSize"));
            assertFalse(bind(tree).memory(), off);
        }
        assertEquals(SimClrConfig.v2(), bind(ConfigTree.load("simclr-v2-cifar10")));
    }

    private static SimClrConfig bind(Map<String, Object> tree) {
        RunConfig cfg = RunConfig.from(tree);
        return SimClrConfig.bind(cfg.methodName(), cfg.method(), cfg.batchSize());
    }

    @Test
    void memoryOffHasNoQueueNoStateAndSaysSo() {
        MethodHarness h = MethodHarness.of("simclr-v2-cifar10", "batchSize=" + N, "method.outDim=8");
        SimClr m = (SimClr) h.method;
        var g = h.step(0);
        assertEquals(NtXentLoss.compute(g.onlineOutput(), 0.5).value(), g.loss().value(), 1e-5);
        assertTrue(m.state().isEmpty());
        assertThrows(IllegalStateException.class, m::memorySnapshot);
        assertTrue(m.deviations().stream().anyMatch(d -> d.contains("memory") && d.contains("off")));
        SimClr on = (SimClr) MethodHarness.of("simclr-v2-memory-cifar10", "batchSize=" + N).method;
        assertTrue(on.deviations().stream().anyMatch(d -> d.contains("K=4096")));
    }

    @Test
    void withoutAHeadTheKeysHaveTheFeatureWidth() {
        MethodHarness h = MethodHarness.of("simclr-v2-cifar10", "batchSize=" + N, "method.head=none",
                "method.queueSize=16");
        h.step(0);
        assertEquals(16, ((SimClr) h.method).memorySnapshot().columns(), "tiny encoder features: 16 wide");
    }

    @Test
    void invalidMemoryParametersAreRejectedWithTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MethodHarness.of("simclr-v2-cifar10", "batchSize=" + N, "method.queueSize=20"));
        assertTrue(e.getMessage().contains("method.queueSize") && e.getMessage().contains("multiple of batchSize=8"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> MethodHarness.of("simclr-v2-cifar10", "batchSize=" + N, "method.queueSize=-8"));
        assertTrue(e.getMessage().contains("method.queueSize"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> MethodHarness.of("simclr-v2-cifar10", "method.momentum=1.5"));
        assertTrue(e.getMessage().contains("method.momentum"), e.getMessage());
    }
}
