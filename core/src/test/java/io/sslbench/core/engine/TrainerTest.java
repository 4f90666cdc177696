package io.sslbench.core.engine;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.testing.TinyNets;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {

    static RunConfig config(String... sets) {
        Map<String, Object> tree = ConfigTree.parse("""
                method: {name: simclr}
                seed: 7
                epochs: 2
                batchSize: 8
                backbone: tiny
                optim: {name: sgd, lr: 0.05, scaleWithBatch: false, weightDecay: 0.0001, warmupEpochs: 0.5}
                engine: {quiet: true, knnMonitorEvery: 0, logEverySteps: 1}
                """, "test");
        return RunConfig.from(ConfigTree.override(tree, List.of(sets)));
    }

    static Trainer trainer(RunConfig cfg, ToyMethod m, boolean bn, Path dir, DataType dt) {
        OnlineNetwork.Built net = OnlineNetwork.build(TinyNets.encoder(bn), m, 3, 8, cfg.seed(), dt);
        return new Trainer(cfg, m, net, TinyNets.source(4, cfg.batchSize(), 8, 3, cfg.seed(), dt), dir, 3, null, null);
    }

    @Test
    void inGraphLossGivesTheGradientOfTheMeanLoss() {
        // The fused path (loss inside the graph) must produce exactly dL/dθ of the method's mean loss:
        // compare one parameter's gradient with a central finite difference in DOUBLE.
        RunConfig cfg = config();
        ToyMethod m = new ToyMethod();
        Trainer t = trainer(cfg, m, false, null, DataType.DOUBLE);
        INDArray[] views = TinyNets.source(1, 4, 8, 3, 1, DataType.DOUBLE).epoch(0, 0).next().views();
        StepInputs in = m.prepare(t.context(), views);
        Trainer.StepGradients sg = t.gradients(in);
        ComputationGraph g = t.context().online();
        INDArray params = g.params();
        INDArray grad = g.getFlattenedGradients().dup();
        assertFalse(sg.grads().isEmpty());
        int checked = 0;
        long stride = Math.max(1, params.length() / 25);
        for (long idx = 0; idx < params.length(); idx += stride) {
            double orig = params.getDouble(idx);
            params.putScalar(idx, orig + 1e-6);
            double plus = t.gradients(in).loss().value();
            params.putScalar(idx, orig - 1e-6);
            double minus = t.gradients(in).loss().value();
            params.putScalar(idx, orig);
            double numeric = (plus - minus) / 2e-6;
            assertEquals(numeric, grad.getDouble(idx), 1e-7 + 1e-4 * Math.abs(numeric), "param " + idx);
            checked++;
        }
        assertTrue(checked > 20);
    }

    @Test
    void gradientCachingMatchesTheFullBatch() {
        // GradCache: chunks of 3 rows (uneven split of 8 rows) give the full-batch gradient for a BN-free encoder.
        ToyMethod m = new ToyMethod();
        Trainer full = trainer(config(), m, false, null, DataType.DOUBLE);
        Trainer cached = trainer(config("engine.gradCacheChunk=3"), m, false, null, DataType.DOUBLE);
        cached.context().online().params().assign(full.context().online().params());
        INDArray[] views = TinyNets.source(1, 4, 8, 3, 2, DataType.DOUBLE).epoch(0, 0).next().views();
        StepInputs in = m.prepare(full.context(), views);
        Trainer.StepGradients a = full.gradients(in);
        INDArray ga = full.context().online().getFlattenedGradients().dup();
        Trainer.StepGradients b = cached.gradients(in);
        INDArray gb = cached.context().online().getFlattenedGradients().dup();
        assertEquals(a.loss().value(), b.loss().value(), 1e-12);
        double rel = ga.sub(gb).norm2Number().doubleValue() / ga.norm2Number().doubleValue();
        assertTrue(rel < 1e-10, "relative gradient difference " + rel);
        assertTrue(ga.norm2Number().doubleValue() > 0);
    }

    @Test
    void gradientCachingFusesTheLargestChunkWhereverItSits() {
        // chunks of 3 and 13 rows (the larger second, as small crops before global ones would be): the largest is
        // forwarded inside its own backward pass, the other twice; same loss and gradient as one 16-row pass
        ToyMethod m = new ToyMethod();
        Trainer t = trainer(config(), m, false, null, DataType.DOUBLE);
        INDArray[] views = TinyNets.source(1, 8, 8, 3, 5, DataType.DOUBLE).epoch(0, 0).next().views();
        INDArray x = m.prepare(t.context(), views).chunks()[0];
        long n = x.size(0);
        StepInputs whole = new StepInputs(new INDArray[]{x}, null);
        StepInputs split = new StepInputs(new INDArray[]{
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)).dup(),
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, n)).dup()}, null);
        Trainer.StepGradients a = t.gradients(whole);
        INDArray ga = t.context().online().getFlattenedGradients().dup();
        Trainer.StepGradients b = t.gradients(split);
        INDArray gb = t.context().online().getFlattenedGradients().dup();
        assertEquals(a.loss().value(), b.loss().value(), 1e-12);
        assertEquals(0.0, a.onlineOutput().sub(b.onlineOutput()).amaxNumber().doubleValue(), 1e-12, "outputs in row order");
        assertEquals(0.0, a.features().sub(b.features()).amaxNumber().doubleValue(), 1e-12, "features in row order");
        double rel = ga.sub(gb).norm2Number().doubleValue() / ga.norm2Number().doubleValue();
        assertTrue(rel < 1e-10, "relative gradient difference " + rel);
    }

    @Test
    void trainingLowersTheLossAndLogsMetrics(@TempDir Path dir) {
        ToyMethod m = new ToyMethod();
        Trainer t = trainer(config("epochs=3", "optim.lr=0.2"), m, true, dir, DataType.FLOAT);
        // the loss on one fixed batch, before and after training (gradients() does not update anything)
        StepInputs probe = m.prepare(t.context(), TinyNets.source(1, 8, 8, 3, 99, DataType.FLOAT).epoch(0, 0).next().views());
        double before = t.gradients(probe).loss().value();
        Trainer.Result r = t.run();
        double after = t.gradients(probe).loss().value();
        assertTrue(r.completed());
        assertEquals(12, r.steps());
        assertTrue(after < before, "loss on a fixed batch " + before + " -> " + after);
        List<Map<String, Object>> rows = MetricsLog.read(dir.resolve("metrics.jsonl"));
        assertEquals(12, rows.stream().filter(x -> x.containsKey("loss")).count(), "one metrics line per step");
        assertTrue(rows.stream().anyMatch(x -> Boolean.TRUE.equals(x.get("epochEnd")) && x.containsKey("probeAcc")));
        assertTrue(Files.exists(t.checkpointFile()));
        // the method's diagnostics: logged with every step, averaged per epoch like the loss, last epoch in the result
        // exact: "lossAgain" is the very double the loss returned, logged twice (no recomputation)
        rows.stream().filter(x -> x.containsKey("loss")).forEach(x ->
                assertEquals(((Number) x.get("loss")).doubleValue(), ((Number) x.get("lossAgain")).doubleValue(), 0));
        rows.stream().filter(x -> Boolean.TRUE.equals(x.get("epochEnd"))).forEach(x ->
                assertEquals(((Number) x.get("epochLoss")).doubleValue(), ((Number) x.get("lossAgain")).doubleValue(), 1e-12));
        assertEquals(r.finalLoss(), r.diagnostics().get("lossAgain"), 1e-12);
        // the time each step waited on the loader, and its share of every epoch
        rows.stream().filter(x -> x.containsKey("loss")).forEach(x -> assertTrue(((Number) x.get("dataWaitMs")).doubleValue() >= 0));
        rows.stream().filter(x -> Boolean.TRUE.equals(x.get("epochEnd"))).forEach(x -> {
            double f = ((Number) x.get("dataWaitFraction")).doubleValue();
            assertTrue(f >= 0 && f < 1, "dataWaitFraction " + f);
        });
    }

    @Test
    void interruptedAndResumedRunEndsWithTheSameParameters(@TempDir Path a, @TempDir Path b) {
        ToyMethod m1 = new ToyMethod();
        m1.useTarget = true;
        Trainer straight = trainer(config("engine.checkpointEverySteps=3"), m1, true, a, DataType.FLOAT);
        straight.run();
        INDArray expected = straight.context().online().params().dup();
        INDArray expectedTarget = straight.context().emaTarget("target").params().dup();

        ToyMethod m2 = new ToyMethod();
        m2.useTarget = true;
        Trainer first = trainer(config("engine.checkpointEverySteps=3", "engine.stopAfterSteps=3"), m2, true, b,
                DataType.FLOAT);
        Trainer.Result partial = first.run();
        assertFalse(partial.completed());
        ToyMethod m3 = new ToyMethod();
        m3.useTarget = true;
        Trainer resumed = trainer(config("engine.checkpointEverySteps=3"), m3, true, b, DataType.FLOAT);
        assertTrue(resumed.run().completed());
        assertEquals(expected, resumed.context().online().params(), "online parameters differ after resume");
        assertEquals(expectedTarget, resumed.context().emaTarget("target").params(), "EMA target differs after resume");
        assertEquals(8.0, m1.stepsSeen);
        assertEquals(8.0, m3.stepsSeen, "method state restored at step 3, then the 5 remaining steps ran");
    }

    /**
     * Issue 17: a stop request from another thread (the cell command's shutdown hook on a scheduler's SIGTERM) ends the
     * training after the current step with a checkpoint there, mid-epoch; the waiting thread is released once it is
     * written; run again, the training resumes from it and ends as the uninterrupted run.
     */
    @Test
    void aStopRequestCheckpointsAfterTheCurrentStepAndTheRunResumesFromIt(@TempDir Path a, @TempDir Path b)
            throws Exception {
        Trainer straight = trainer(config(), new ToyMethod(), true, a, DataType.FLOAT);
        straight.run();
        INDArray expected = straight.context().online().params().dup();

        ToyMethod m = new ToyMethod();
        java.util.concurrent.CompletableFuture<Boolean> released = new java.util.concurrent.CompletableFuture<>();
        m.afterStepHook = steps -> {
            if (steps == 5) { // mid-epoch 2 (4 batches an epoch): the signal arrives during step 5
                new Thread(() -> released.complete(Trainer.requestStop(java.time.Duration.ofSeconds(60)))).start();
                while (!Trainer.stopRequested()) {
                    Thread.onSpinWait();
                }
            }
        };
        try {
            Trainer.Result partial = trainer(config(), m, true, b, DataType.FLOAT).run();
            assertFalse(partial.completed());
            assertEquals(5, partial.steps());
            assertTrue(released.get(60, java.util.concurrent.TimeUnit.SECONDS), "the hook saw the checkpoint written");
            assertEquals(5, Checkpoint.read(b.resolve("checkpoints/last.ckpt")).step(), "the checkpoint is at the stopped step");
        } finally {
            Trainer.clearStopRequest();
        }
        ToyMethod m3 = new ToyMethod();
        Trainer resumed = trainer(config(), m3, true, b, DataType.FLOAT);
        assertTrue(resumed.run().completed());
        assertEquals(expected, resumed.context().online().params(), "resumed from the stop's checkpoint exactly");
        assertEquals(8.0, m3.stepsSeen);
        assertTrue(Trainer.requestStop(java.time.Duration.ofSeconds(1)), "no training running: nothing to wait for");
        Trainer.clearStopRequest();
    }

    @Test
    void sameSeedAndConfigGiveIdenticalResults(@TempDir Path a, @TempDir Path b) {
        Trainer t1 = trainer(config(), new ToyMethod(), true, a, DataType.FLOAT);
        Trainer t2 = trainer(config(), new ToyMethod(), true, b, DataType.FLOAT);
        t1.run();
        t2.run();
        assertEquals(t1.context().online().params(), t2.context().online().params());
    }

    @Test
    void nanLossStopsWithAClearMessageAndKeepsTheLastCheckpoint(@TempDir Path dir) throws Exception {
        ToyMethod m = new ToyMethod();
        Trainer t = trainer(config("epochs=1"), m, true, dir, DataType.FLOAT);
        t.run();
        byte[] before = Files.readAllBytes(t.checkpointFile());
        ToyMethod bad = new ToyMethod();
        bad.nan = true;
        Trainer t2 = trainer(config("epochs=2"), bad, true, dir.resolve("other"), DataType.FLOAT);
        Trainer.DivergedException e = assertThrows(Trainer.DivergedException.class, t2::run);
        assertTrue(e.getMessage().contains("loss is NaN at step 0"), e.getMessage());
        // issue 16 item 9: the message names only a checkpoint that exists, and the step it holds
        assertTrue(e.getMessage().contains("no checkpoint was written yet"), e.getMessage());
        Path stopped = dir.resolve("stopped");
        trainer(config("epochs=2", "engine.stopAfterSteps=4"), new ToyMethod(), true, stopped, DataType.FLOAT).run();
        Trainer t3 = trainer(config("epochs=2"), bad, true, stopped, DataType.FLOAT);
        Trainer.DivergedException e3 = assertThrows(Trainer.DivergedException.class, t3::run);
        assertTrue(e3.getMessage().contains("after step 4") && e3.getMessage().contains(t3.checkpointFile().toString()),
                e3.getMessage());
        assertArrayEquals(before, Files.readAllBytes(t.checkpointFile())); // the same file, untouched: bytes are exact
    }

    @Test
    void resumingUnderAnotherConfigIsRefused(@TempDir Path dir) {
        trainer(config("epochs=1"), new ToyMethod(), true, dir, DataType.FLOAT).run();
        Trainer other = trainer(config("epochs=1", "optim.lr=0.01"), new ToyMethod(), true, dir, DataType.FLOAT);
        IllegalStateException e = assertThrows(IllegalStateException.class, other::run);
        assertTrue(e.getMessage().contains("config hash"), e.getMessage());
    }

    /** Every figure of a result except the timings (which differ between processes by nature). */
    static List<Object> figures(Trainer.Result r) {
        return List.of(r.steps(), r.collapseStd(), r.embeddingDim(), r.finalLoss(), r.probeAccuracy(), r.completed(),
                r.diagnostics(), r.lowestEpochStd(), r.lowestEpoch());
    }

    /** The metrics rows without their timings. */
    static List<Map<String, Object>> untimed(Path metrics) {
        return MetricsLog.read(metrics).stream().map(r -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>(r);
            m.remove("imgPerSec");
            m.remove("dataWaitMs");
            m.remove("dataWaitFraction");
            return m;
        }).toList();
    }

    @Test
    void aFinishedRunRunAgainKeepsItsFigures(@TempDir Path dir) {
        // issue 16 item 1: a run with no steps left must report its last epoch, not an empty one (steps=1, NaN loss)
        Trainer.Result done = trainer(config(), new ToyMethod(), true, dir, DataType.FLOAT).run();
        List<Map<String, Object>> metricsBefore = MetricsLog.read(dir.resolve("metrics.jsonl"));
        Trainer.Result again = trainer(config(), new ToyMethod(), true, dir, DataType.FLOAT).run();
        assertEquals(8, again.steps());
        assertTrue(Double.isFinite(again.finalLoss()) && again.embeddingDim() > 0, again.toString());
        // exact on purpose: the rerun restores the stored figures from the checkpoint, it computes nothing
        assertEquals(figures(done), figures(again));
        assertEquals(metricsBefore, MetricsLog.read(dir.resolve("metrics.jsonl")), "nothing logged twice");
    }

    @Test
    void aMidEpochResumeEndsWithEveryFigureOfTheUninterruptedRun(@TempDir Path a, @TempDir Path b) {
        // issue 16 item 4: the running sums of the interrupted epoch and the probe's counters are in the checkpoint
        Trainer.Result straight = trainer(config("engine.checkpointEverySteps=3"), new ToyMethod(), true, a,
                DataType.FLOAT).run();
        // 4 batches per epoch: stopping after 6 steps leaves a checkpoint in the middle of the last epoch
        Trainer.Result partial = trainer(config("engine.checkpointEverySteps=3", "engine.stopAfterSteps=6"),
                new ToyMethod(), true, b, DataType.FLOAT).run();
        assertFalse(partial.completed());
        Trainer.Result resumed = trainer(config("engine.checkpointEverySteps=3"), new ToyMethod(), true, b,
                DataType.FLOAT).run();
        // exact on purpose: exact resume means the same ops on the same shapes with the same thread count in one
        // process, only split across two runs; timings are left out
        assertEquals(figures(straight), figures(resumed));
        assertEquals(untimed(a.resolve("metrics.jsonl")), untimed(b.resolve("metrics.jsonl")));
        // the trajectory the collapse verdict reads: the lowest epoch-end std and its epoch, across the resume
        List<Map<String, Object>> ends = MetricsLog.read(b.resolve("metrics.jsonl")).stream()
                .filter(r -> Boolean.TRUE.equals(r.get("epochEnd"))).toList();
        assertEquals(2, ends.size());
        int lowest = ((Number) ends.get(0).get("collapseStd")).doubleValue()
                <= ((Number) ends.get(1).get("collapseStd")).doubleValue() ? 0 : 1;
        assertEquals(lowest + 1, resumed.lowestEpoch());
        // exact: the value logged is the value kept, the same double
        assertEquals(((Number) ends.get(lowest).get("collapseStd")).doubleValue(), resumed.lowestEpochStd());
    }

    @Test
    void aDeathAtAnEpochEndStillLogsEveryEpochExactlyOnce(@TempDir Path a, @TempDir Path b) {
        // issue 16 item 5: the epoch-end row (with the monitor's kNN) is written before the epoch-end checkpoint, so
        // a process dying between the two (here: the monitor throws, as a kill would stop it) loses no epoch row
        RunConfig cfg = config("engine.knnMonitorEvery=1");
        Trainer.EpochMonitor knn = (epoch, online, vertex) -> Map.of("knnTop1", 0.5 + epoch);
        OnlineNetwork.Built net = OnlineNetwork.build(TinyNets.encoder(true), new ToyMethod(), 3, 8, cfg.seed(),
                DataType.FLOAT);
        new Trainer(cfg, new ToyMethod(), net, TinyNets.source(4, 8, 8, 3, cfg.seed(), DataType.FLOAT), a, 3, knn, null)
                .run();
        boolean[] died = {false};
        Trainer.EpochMonitor dying = (epoch, online, vertex) -> {
            if (epoch == 0 && !died[0]) {
                died[0] = true;
                throw new IllegalStateException("killed");
            }
            return knn.evaluate(epoch, online, vertex);
        };
        assertThrows(IllegalStateException.class, () -> trainer(cfg, dying, b).run());
        trainer(cfg, dying, b).run();
        List<Map<String, Object>> ends = untimed(b.resolve("metrics.jsonl")).stream()
                .filter(r -> Boolean.TRUE.equals(r.get("epochEnd"))).toList();
        assertEquals(List.of(0.0, 1.0), ends.stream().map(r -> ((Number) r.get("epoch")).doubleValue()).toList());
        // exact on purpose: the same code path, shapes and thread count in one process (see the resume test above)
        assertEquals(untimed(a.resolve("metrics.jsonl")), untimed(b.resolve("metrics.jsonl")));
    }

    private static Trainer trainer(RunConfig cfg, Trainer.EpochMonitor monitor, Path dir) {
        ToyMethod m = new ToyMethod();
        OnlineNetwork.Built net = OnlineNetwork.build(TinyNets.encoder(true), m, 3, 8, cfg.seed(), DataType.FLOAT);
        return new Trainer(cfg, m, net, TinyNets.source(4, cfg.batchSize(), 8, 3, cfg.seed(), DataType.FLOAT), dir, 3,
                monitor, null);
    }

    @Test
    void orphanTemporaryFilesOfAKilledWriteAreRemovedOnTheNextStart(@TempDir Path dir) throws Exception {
        // issue 16 item 6: a kill during an atomic write leaves <name>.<n>.tmp; the next start removes it
        Files.createDirectories(dir.resolve("checkpoints"));
        Path ckTmp = Files.writeString(dir.resolve("checkpoints").resolve("last.ckpt.123.tmp"), "half a checkpoint");
        Path modelTmp = Files.writeString(dir.resolve("model.zip.456.tmp"), "");
        trainer(config("epochs=1"), new ToyMethod(), true, dir, DataType.FLOAT).run();
        assertFalse(Files.exists(ckTmp));
        assertFalse(Files.exists(modelTmp));
        assertTrue(Files.exists(dir.resolve("checkpoints").resolve("last.ckpt")));
    }

    @Test
    void emaTargetFollowsTheFormula() {
        ToyMethod m = new ToyMethod();
        Trainer t = trainer(config(), m, true, null, DataType.FLOAT);
        EmaTarget target = t.context().emaTarget("x");
        INDArray online = t.context().online().params();
        INDArray t0 = target.params().dup();
        online.addi(1.0);
        target.update(1.0);
        assertEquals(t0, target.params(), "m = 1 leaves the target unchanged");
        target.update(0.75);
        assertTrue(t0.mul(0.75).addi(online.mul(0.25)).equalsWithEps(target.params(), 1e-5));
        target.update(0.0);
        assertEquals(online, target.params(), "m = 0 copies the online weights");
        assertThrows(IllegalArgumentException.class, () -> target.update(1.5));
    }
}
