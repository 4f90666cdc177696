package io.sslbench.core.engine;

import io.sslbench.core.aug.BatchSource;
import io.sslbench.core.aug.ViewBatch;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.optim.Optimizer;
import io.sslbench.core.optim.ParamKind;
import io.sslbench.core.optim.Schedules;
import io.sslbench.core.util.AtomicFiles;
import io.sslbench.core.util.SystemStats;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The training loop shared by every method: schedules, forward/backward through the online network
 * with the method's loss inside the graph, the optimiser, EMA targets, online probe, collapse
 * monitor, metrics, progress, NaN guard, atomic checkpoints and exact resume.
 *
 * <p>Run folder: {@code checkpoints/last.ckpt} (every epoch end and every
 * {@code engine.checkpointEverySteps}), {@code metrics.jsonl}. Resuming: construct a Trainer on the
 * same folder with the same config; it continues from the last checkpoint and, on CPU, ends with the
 * same parameters as an uninterrupted run (views depend only on (seed, epoch, image), the data order
 * on (seed, epoch), and every random choice of a method on (seed, step)). The checkpoint also holds the running sums
 * of the interrupted epoch and the probe's counters, so every figure of the result (not only the weights) equals the
 * uninterrupted run's, timings apart; an epoch's end row goes to {@code metrics.jsonl} before the checkpoint that
 * moves past it, so a resumed run logs every epoch exactly once.
 */
public final class Trainer {
    /**
     * A request, from another thread, that every running training loop of this process stop after its current step
     * with a checkpoint there (a scheduler's preemption: the {@code cell} command's shutdown hook on SIGTERM). The run is
     * then not completed; run again it resumes from that step exactly.
     */
    private static final AtomicBoolean STOP = new AtomicBoolean();
    /** Counted down by a training loop that stopped on {@link #requestStop()} once its checkpoint is written. */
    private static volatile CountDownLatch stopped = new CountDownLatch(1);
    /** Training loops running in this process. */
    private static final AtomicInteger RUNNING = new AtomicInteger();

    /**
     * Asks the training loops of this process to stop after their current step with a checkpoint, and waits for that
     * checkpoint up to {@code timeout}.
     *
     * @return true if no loop was running or one stopped with its checkpoint written in time
     */
    public static boolean requestStop(Duration timeout) {
        STOP.set(true);
        if (RUNNING.get() == 0) {
            return true;
        }
        try {
            return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return whether {@link #requestStop} was called in this process */
    public static boolean stopRequested() {
        return STOP.get();
    }

    /** Clears a stop request (tests, and a process that goes on after one). */
    public static void clearStopRequest() {
        STOP.set(false);
        stopped = new CountDownLatch(1);
    }

    /** Per-epoch evaluation hook (e.g. the kNN monitor), given the online network. */
    @FunctionalInterface
    public interface EpochMonitor {
        Map<String, Double> evaluate(int epoch, ComputationGraph online, String featuresVertex);
    }

    /**
     * Outcome of {@link #run()}.
     *
     * @param collapseStd the collapse monitor averaged over the steps of the last epoch run
     * @param finalLoss   the loss averaged over the steps of the last epoch run
     * @param diagnostics the method's {@link SslMethod#diagnostics()} averaged over the steps of the last epoch run
     * @param lowestEpochStd the lowest epoch-mean collapse std over the run's finished epochs (NaN before the first)
     * @param lowestEpoch    the 1-based epoch of {@code lowestEpochStd}; 0 when unknown (also in a summary written
     *                       before the trajectory was kept)
     */
    public record Result(long steps, double imgPerSec, double wallSeconds, long peakRssBytes, double collapseStd,
                         int embeddingDim, double finalLoss, double probeAccuracy, boolean completed,
                         Map<String, Double> diagnostics, double lowestEpochStd, int lowestEpoch) {
        public Result {
            diagnostics = diagnostics == null ? Map.of() : Map.copyOf(diagnostics); // null: a summary.json written before diagnostics
        }

        /**
         * @return the run's collapse verdict from its last-epoch std, loss and diagnostics, and {@code method}'s
         *         degenerate loss and diagnostic limits (a std that was never measured counts as 0), and from its
         *         lowest epoch-end std ({@link Collapse.Verdict#withTrajectory})
         */
        public Collapse.Verdict verdict(SslMethod method) {
            double std = Double.isNaN(collapseStd) ? 0 : Math.max(0, collapseStd);
            return Collapse.Verdict.of(std, Math.max(1, embeddingDim), finalLoss, method.trivialLoss(), diagnostics,
                    method.collapseLimits()).withTrajectory(lowestEpochStd, lowestEpoch);
        }
    }

    /** The run produced a NaN/Inf loss or gradient; the last good checkpoint is kept. */
    public static final class DivergedException extends RuntimeException {
        public DivergedException(String msg) {
            super(msg);
        }
    }

    private final RunConfig cfg;
    private final String configHash;
    /** The method's named head outputs (its declaration, read once). */
    private final HeadOutputs outputs;
    private final SslMethod method;
    private final OnlineNetwork.Built net;
    private final BatchSource data;
    private final Path runDir;
    private final EpochMonitor monitor;
    private final TrainContext ctx;
    private final Optimizer optimizer;
    private final OnlineProbe probe;
    private final MetricsLog metrics;
    private final PrintStream console;
    private final double baseLr;
    /** The current (or, between epochs, the last finished) epoch's running sums; in every checkpoint. */
    private final EpochStats stats = new EpochStats();
    /** The timings of the processes before this one, from the checkpoint resumed. */
    private Timing timing = Timing.NONE;
    /** Global steps completed. */
    private long stepsDone;
    /** The lowest epoch-mean collapse std so far and its 1-based epoch (0: no epoch finished); in every checkpoint. */
    private double lowestEpochStd = Double.NaN;
    private int lowestEpoch;
    private static final String LOWEST_STD = "collapse/lowestEpochStd", LOWEST_EPOCH = "collapse/lowestEpoch";
    private static final String CHECKPOINT = "last.ckpt";
    private static final String EPOCH_FIGURES = "epoch/";

    public Trainer(RunConfig cfg, SslMethod method, OnlineNetwork.Built net, BatchSource data, Path runDir,
                   int numClasses, EpochMonitor monitor, PrintStream console) {
        this.cfg = cfg;
        this.configHash = RunIdentity.hash(cfg, method);
        this.outputs = method.outputs();
        this.method = method;
        this.net = net;
        this.data = data;
        this.runDir = runDir;
        this.monitor = monitor;
        this.console = console;
        this.ctx = new TrainContext(cfg, net.graph(), net.featuresVertex(), net.headVertex(), data.batchesPerEpoch());
        this.optimizer = new Optimizer(cfg.optim(), method.excludeBnBias(), method.fixedLrPrefixes());
        this.probe = cfg.engine().onlineProbe() && numClasses > 0 ? new OnlineProbe(net.featureDim(), numClasses, 0.1) : null;
        this.metrics = runDir == null ? null : new MetricsLog(runDir.resolve("metrics.jsonl"));
        this.baseLr = Schedules.scaleLr(cfg.optim().lr(), cfg.batchSize(), cfg.optim().scaleWithBatch());
        method.init(ctx);
    }

    public TrainContext context() {
        return ctx;
    }

    public Path checkpointFile() {
        return runDir.resolve("checkpoints").resolve(CHECKPOINT);
    }

    /** Gradients and loss of one step, without updating anything. */
    public record StepGradients(LossResult loss, INDArray onlineOutput, INDArray features, Map<String, INDArray> grads) {
    }

    /**
     * Forward/backward of one step. One chunk and no gradient caching: a single fused pass with the
     * loss inside the graph. Otherwise (multi-crop, {@code engine.gradCacheChunk}): every chunk but the
     * largest is forwarded without keeping activations; the largest chunk's backward pass evaluates the
     * loss once on all outputs (its own live); then each other chunk is re-forwarded and back-propagated
     * with its slice of dL/d(output) and the gradients are summed in chunk order (GradCache, Gao et al.
     * 2021): the same gradient as the full batch for networks whose rows do not interact (BN uses
     * per-chunk statistics, as per-GPU BN does).
     */
    public StepGradients gradients(StepInputs in) {
        ComputationGraph g = net.graph();
        ExternalLoss ext = net.loss();
        FeatureTap tap = net.tap();
        INDArray[] chunks = split(in.chunks(), cfg.engine().gradCacheChunk());
        if (chunks.length == 1) {
            INDArray x = chunks[0];
            ext.bind((out, labels) -> method.loss(outputs.values(out), in.targets(), ctx));
            tap.reset();
            g.setInputs(x);
            g.setLabels(placeholder(x), placeholder(x));
            g.computeGradientAndScore();
            return new StepGradients(ext.last(), ext.lastOutput(), tap.features(), g.gradient().gradientForVariable());
        }
        // The largest chunk is forwarded once, inside its own backward pass: the loss is evaluated there, on its live
        // output and the other chunks' outputs from plain forward passes (which their backward passes repeat). Same
        // values as forwarding every chunk first: the forward is deterministic and the loss sees the same rows.
        int first = 0;
        for (int i = 1; i < chunks.length; i++) {
            if (chunks[i].length() > chunks[first].length()) {
                first = i;
            }
        }
        INDArray[] outs = new INDArray[chunks.length], feats = new INDArray[chunks.length];
        for (int i = 0; i < chunks.length; i++) {
            if (i != first) {
                INDArray[] o = g.output(List.of(net.headVertex(), net.featuresVertex()), true, new INDArray[]{chunks[i]},
                        null);
                outs[i] = o[0];
                feats[i] = o[1];
            }
        }
        long[] start = new long[chunks.length];
        for (int i = 1; i < chunks.length; i++) {
            start[i] = start[i - 1] + chunks[i - 1].size(0);
        }
        LossResult[] full = new LossResult[1];
        int fused = first;
        ext.bind((out, labels) -> {
            outs[fused] = out;
            full[0] = method.loss(outputs.values(Nd4j.concat(0, outs)), in.targets(), ctx);
            return new LossResult(full[0].value(), rows(full[0].gradient(0), start[fused], chunks[fused].size(0)));
        });
        tap.reset();
        g.setInputs(chunks[first]);
        g.setLabels(placeholder(chunks[first]), placeholder(chunks[first]));
        g.computeGradientAndScore();
        feats[first] = tap.features();
        INDArray firstGrad = g.getFlattenedGradients().dup();
        LossResult loss = full[0];
        INDArray all = Nd4j.concat(0, outs);
        INDArray dAll = loss.gradient(0);
        INDArray acc = null;
        for (int i = 0; i < chunks.length; i++) { // summed in chunk order, as before the fusion
            INDArray flat;
            if (i == first) {
                flat = firstGrad;
            } else {
                INDArray slice = rows(dAll, start[i], chunks[i].size(0));
                ext.bind((out, labels) -> new LossResult(0.0, slice));
                tap.reset();
                g.setInputs(chunks[i]);
                g.setLabels(placeholder(chunks[i]), placeholder(chunks[i]));
                g.computeGradientAndScore();
                flat = g.getFlattenedGradients();
            }
            if (acc == null) {
                acc = flat.dup();
            } else {
                acc.addi(flat);
            }
        }
        g.getFlattenedGradients().assign(acc);
        Map<String, INDArray> grads = g.gradient().gradientForVariable();
        // BN running-stat "gradients" are running-average updates: average them over chunks, not sum
        for (var e : grads.entrySet()) {
            if (ParamKind.of(e.getKey()) == ParamKind.BN_RUNNING_STAT) {
                e.getValue().divi(chunks.length);
            }
        }
        return new StepGradients(loss, all, Nd4j.concat(0, feats), grads);
    }

    /** A detached copy of rows {@code [from, from + n)} of a matrix. */
    private static INDArray rows(INDArray m, long from, long n) {
        return m.get(NDArrayIndex.interval(from, from + n),
                NDArrayIndex.all()).dup();
    }

    private static INDArray placeholder(INDArray x) {
        return Nd4j.zeros(x.dataType(), x.size(0), 1);
    }

    private static INDArray[] split(INDArray[] chunks, int max) {
        if (max <= 0) {
            return chunks;
        }
        List<INDArray> out = new ArrayList<>();
        for (INDArray c : chunks) {
            long n = c.size(0);
            for (long s = 0; s < n; s += max) {
                long e = Math.min(n, s + max);
                out.add(s == 0 && e == n ? c : c.get(NDArrayIndex.interval(s, e)).dup());
            }
        }
        return out.toArray(INDArray[]::new);
    }

    /** @return the scheduled learning rate at a global step */
    public double learningRate(long step) {
        long perEpoch = data.batchesPerEpoch();
        long warmup = Math.round(cfg.optim().warmupEpochs() * perEpoch);
        double lr = Schedules.warmupCosine(baseLr, step, warmup, ctx.totalSteps(), cfg.optim().minLrFraction(),
                cfg.optim().cosine());
        return Schedules.stepDecay(lr, step, perEpoch, cfg.epochs(), cfg.optim().lrSteps());
    }

    /**
     * One full training step at the context's current step: the method prepares its inputs, forward/
     * backward, NaN guard, optimiser update, the method's after-step hook.
     */
    public StepGradients trainStep(ViewBatch batch) {
        StepInputs in = method.prepare(ctx, batch.views());
        StepGradients sg = gradients(in);
        checkFinite(sg);
        optimizer.step(net.graph().paramTable(), sg.grads(), learningRate(ctx.step), baseLr, method.frozenPrefixes(ctx));
        method.afterStep(ctx, in, outputs.values(sg.onlineOutput()));
        return sg;
    }

    /** Sets the clock (for benchmarks that drive {@link #trainStep} directly). */
    public void setStep(long step) {
        ctx.step = step;
        ctx.epoch = (int) (step / Math.max(1, data.batchesPerEpoch()));
    }

    /**
     * Makes {@code runDir} ready for a run of the config {@code configHash} before anything is written to it: creates
     * it, removes the temporary files of atomic writes a kill interrupted ({@link AtomicFiles#deleteOrphans}), and
     * refuses a folder whose checkpoint belongs to another config. Callers that write the folder's metadata call it
     * first (check first, write after); {@link #run} calls it again.
     *
     * @throws IllegalStateException the folder holds a checkpoint of another config
     */
    public static void prepareRunFolder(Path runDir, String configHash) {
        Path ckDir = runDir.resolve("checkpoints");
        try {
            Files.createDirectories(ckDir);
            AtomicFiles.deleteOrphans(runDir);
            AtomicFiles.deleteOrphans(ckDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the run folder " + runDir + ": " + e, e);
        }
        Path ck = ckDir.resolve(CHECKPOINT);
        if (Files.exists(ck)) {
            String held;
            try {
                held = Checkpoint.readMeta(ck).configHash();
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            if (!configHash.equals(held)) {
                throw new IllegalStateException("run folder " + runDir + " holds a run with config hash " + held
                        + ", not " + configHash + ": use another --out or the same config (nothing in it was changed)");
            }
        }
    }

    /**
     * Runs (or resumes) the whole pretraining. A run folder whose checkpoint holds the last step is not trained
     * again: the result is that of its last epoch, restored from the checkpoint.
     */
    public Result run() {
        RUNNING.incrementAndGet();
        try {
            return runLoop();
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    private Result runLoop() {
        prepareRunFolder(runDir, configHash);
        long perEpoch = data.batchesPerEpoch();
        if (perEpoch == 0) {
            throw new IllegalStateException("no full batch of " + cfg.batchSize() + " images in the data set");
        }
        stats.reset();
        timing = Timing.NONE;
        stepsDone = 0;
        lowestEpochStd = Double.NaN;
        lowestEpoch = 0;
        Position start = resume();
        ProcessClock clock = new ProcessClock();
        Progress progress = new Progress(console, cfg.engine().quiet());
        for (int epoch = start.epoch(); epoch < cfg.epochs(); epoch++) {
            ctx.epoch = epoch;
            int b = epoch == start.epoch() ? start.batch() : 0;
            if (b == 0) {
                stats.reset();
                if (probe != null) {
                    probe.resetAccuracy();
                }
            }
            Iterator<ViewBatch> it = data.epoch(epoch, b);
            while (true) {
                // time the step waits on the loader (augmentation threads): the loader must not be the bottleneck
                long tw = System.nanoTime();
                if (!it.hasNext()) {
                    break;
                }
                ViewBatch batch = it.next();
                long t0 = System.nanoTime();
                double waited = (t0 - tw) / 1e9;
                ctx.step = epoch * perEpoch + b;
                double lr = learningRate(ctx.step);
                StepGradients sg = trainStep(batch);
                double secs = (System.nanoTime() - t0) / 1e9;
                int images = batch.labels().length;
                clock.step(images, secs);
                double loss = sg.loss().value();
                Recorded rec = record(sg, batch, waited, secs);
                b++;
                stepsDone = ctx.step + 1;
                double ips = images / secs;
                if (ctx.step % cfg.engine().logEverySteps() == 0 || b == perEpoch) {
                    metrics.append(stepRow(epoch, loss, lr, ips, waited, rec));
                }
                progress.update(epoch, cfg.epochs(), b, perEpoch, loss, ips, secs, ctx.step + 1, ctx.totalSteps());
                boolean epochEnd = b == perEpoch;
                if (epochEnd) {
                    progress.done();
                    endEpoch(epoch, loss); // its metrics row before the checkpoint that moves past it
                }
                Result stop = checkpointOrStop(epoch, b, epochEnd, clock.timing(timing), progress);
                if (stop != null) {
                    return stop;
                }
            }
        }
        return result(clock.timing(timing), true);
    }

    /** Where a run starts: (epoch, batch) from the last checkpoint (its state restored), else (0, 0). */
    private record Position(int epoch, int batch) {
    }

    private Position resume() {
        try {
            if (!Files.exists(checkpointFile())) {
                metrics.truncateAfter(-1); // a run killed before its first checkpoint starts over: so do its metrics
                return new Position(0, 0);
            }
            Checkpoint ck = Checkpoint.read(checkpointFile());
            restore(ck);
            stepsDone = ck.step();
            metrics.truncateAfter(ck.step() - 1);
            say(stepsDone >= ctx.totalSteps() ? "run already finished (" + stepsDone + " steps): nothing to train"
                    : "resuming from step " + ck.step() + " (epoch " + (ck.epoch() + 1) + ", batch " + ck.batchInEpoch() + ")");
            return new Position(ck.epoch(), ck.batchInEpoch());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This process's training time: images and step seconds after its first step (JIT/allocation warm-up), wall time. */
    private static final class ProcessClock {
        private final long startNanos = System.nanoTime();
        private long images;
        private double seconds;
        private long steps;

        void step(int stepImages, double stepSeconds) {
            if (steps++ > 0) {
                images += stepImages;
                seconds += stepSeconds;
            }
        }

        /** @return the run's timing so far: {@code before} (earlier processes, from the checkpoint) plus this one's */
        Timing timing(Timing before) {
            return before.plus(images, seconds, (System.nanoTime() - startNanos) / 1e9);
        }
    }

    /** A step's collapse std and the method's diagnostics, read once. */
    private record Recorded(double std, Map<String, Double> diagnostics) {
    }

    /** Feeds a step into the epoch statistics and the online probe. */
    private Recorded record(StepGradients sg, ViewBatch batch, double waited, double secs) {
        INDArray emb = method.embeddings(outputs.values(sg.onlineOutput()));
        double std = Collapse.std(emb);
        Map<String, Double> diagnostics = method.diagnostics();
        stats.add(std, sg.loss().value(), (int) emb.size(1), diagnostics);
        stats.addTiming(waited, secs);
        if (probe != null && sg.features() != null) {
            int images = batch.labels().length;
            probe.update(sg.features().get(NDArrayIndex.interval(0, images)), batch.labels());
        }
        return new Recorded(std, diagnostics);
    }

    /** @return the metrics row of the current step */
    private Map<String, Object> stepRow(int epoch, double loss, double lr, double ips, double waited, Recorded rec) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", ctx.step);
        row.put("epoch", epoch);
        row.put("loss", loss);
        row.put("lr", lr);
        row.put("imgPerSec", ips);
        row.put("dataWaitMs", waited * 1e3);
        row.put("collapseStd", rec.std());
        row.putAll(rec.diagnostics());
        if (probe != null) {
            row.put("probeAcc", probe.accuracy());
        }
        return row;
    }

    /**
     * Checkpoints at an epoch end and every {@code engine.checkpointEverySteps}; on a stop request (preemption) or at
     * {@code engine.stopAfterSteps}, ends the run.
     *
     * @param b the batches of {@code epoch} done
     * @return the run's result when it ends here, else null
     */
    private Result checkpointOrStop(int epoch, int b, boolean epochEnd, Timing now, Progress progress) {
        boolean periodic = cfg.engine().checkpointEverySteps() > 0
                && (ctx.step + 1) % cfg.engine().checkpointEverySteps() == 0;
        if (epochEnd || periodic) {
            save(ctx.step + 1, epochEnd ? epoch + 1 : epoch, epochEnd ? 0 : b, now);
        }
        if (STOP.get()) {
            if (!epochEnd) { // preempted: a checkpoint at this step (at an epoch end one was just saved)
                save(ctx.step + 1, epoch, b, now);
                progress.done();
            }
            say("stop requested: checkpoint at step " + (ctx.step + 1) + " written, run again to resume");
            stopped.countDown();
            return result(now, false);
        }
        if (cfg.engine().stopAfterSteps() > 0 && ctx.step + 1 >= cfg.engine().stopAfterSteps()) {
            if (!epochEnd) {
                progress.done();
            }
            return result(now, false);
        }
        return null;
    }

    /** Logs the finished epoch's figures (and the kNN monitor's) as its epoch-end metrics row and on the console. */
    private void endEpoch(int epoch, double lastLoss) {
        Map<String, Double> epochDiagnostics = stats.diagnostics();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", ctx.step);
        row.put("epoch", epoch);
        row.put("epochEnd", true);
        // fraction of the epoch's wall time spent waiting for batches (0: the loader kept up)
        row.put("dataWaitFraction", stats.dataWaitFraction());
        row.put("collapseStd", stats.std());
        row.put("epochLoss", stats.loss());
        if (lowestEpoch == 0 || stats.std() < lowestEpochStd) {
            lowestEpochStd = stats.std();
            lowestEpoch = epoch + 1;
        }
        row.putAll(epochDiagnostics);
        if (probe != null) {
            row.put("probeAcc", probe.accuracy());
        }
        if (monitor != null && cfg.engine().knnMonitorEvery() > 0
                && ((epoch + 1) % cfg.engine().knnMonitorEvery() == 0 || epoch + 1 == cfg.epochs())) {
            row.putAll(monitor.evaluate(epoch, net.graph(), net.featuresVertex()));
        }
        metrics.append(row);
        StringBuilder diag = new StringBuilder();
        epochDiagnostics.forEach((k, v) -> diag.append(String.format(Locale.ROOT, "  %s %.4f", k, v)));
        say(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  collapse-std %.4f (1/sqrt(d)=%.4f)%s%s%s", epoch + 1,
                cfg.epochs(), lastLoss, stats.std(), 1 / Math.sqrt(Math.max(1, stats.embeddingDim())), diag,
                probe != null ? String.format(Locale.ROOT, "  probe %.3f", probe.accuracy()) : "",
                row.containsKey("knnTop1") ? String.format(Locale.ROOT, "  kNN %.3f", (Double) row.get("knnTop1")) : ""));
    }

    /**
     * The timings of a run over every process that worked on it (kept in the checkpoint; they are the only figures
     * a resumed run does not reproduce exactly).
     *
     * @param images      images of the timed steps (each process's first step is warm-up, not timed)
     * @param seconds     seconds of the timed steps
     * @param wallSeconds wall time of the processes up to their last checkpoint
     * @param peakRss     the highest peak resident memory of those processes
     */
    private record Timing(long images, double seconds, double wallSeconds, long peakRss) {
        static final Timing NONE = new Timing(0, 0, 0, 0);

        Timing plus(long moreImages, double moreSeconds, double moreWall) {
            return new Timing(images + moreImages, seconds + moreSeconds, wallSeconds + moreWall,
                    Math.max(peakRss, SystemStats.peakRssBytes()));
        }

        Map<String, Double> figures() {
            return Map.of("time/images", (double) images, "time/seconds", seconds, "time/wallSeconds", wallSeconds,
                    "time/peakRss", (double) peakRss);
        }

        static Timing of(Map<String, Double> f) {
            return new Timing(f.getOrDefault("time/images", 0.0).longValue(), f.getOrDefault("time/seconds", 0.0),
                    f.getOrDefault("time/wallSeconds", 0.0), f.getOrDefault("time/peakRss", 0.0).longValue());
        }
    }

    private Result result(Timing t, boolean completed) {
        return new Result(stepsDone, t.seconds() > 0 ? t.images() / t.seconds() : Double.NaN, t.wallSeconds(),
                t.peakRss(), stats.std(), stats.embeddingDim(), stats.loss(),
                probe == null ? Double.NaN : probe.accuracy(), completed, stats.diagnostics(), lowestEpochStd,
                lowestEpoch);
    }

    private void checkFinite(StepGradients sg) {
        double v = sg.loss().value();
        String where = "step " + ctx.step + " (epoch " + (ctx.epoch + 1) + ") of " + method.id();
        if (!Double.isFinite(v)) {
            throw new DivergedException("loss is " + v + " at " + where + "; parameters were not updated; " + kept());
        }
        double gs = net.graph().getFlattenedGradients().sumNumber().doubleValue();
        if (!Double.isFinite(gs)) {
            throw new DivergedException("gradients contain NaN/Inf at " + where + "; parameters were not updated; "
                    + kept());
        }
    }

    /** @return what a diverged run leaves to resume from: the checkpoint that really exists, and its step */
    private String kept() {
        if (runDir == null || !Files.exists(checkpointFile())) {
            return "no checkpoint was written yet (a rerun starts from scratch)";
        }
        try {
            Checkpoint meta = Checkpoint.readMeta(checkpointFile());
            return "the last good checkpoint, after step " + meta.step() + " (finite loss and weights), is kept at "
                    + checkpointFile();
        } catch (IOException e) {
            return "the checkpoint " + checkpointFile() + " is unreadable (" + e.getMessage() + ")";
        }
    }

    private void save(long stepsDone, int nextEpoch, int nextBatch, Timing timingNow) {
        if (!Double.isFinite(net.graph().params().sumNumber().doubleValue())) {
            // never replace a good checkpoint with diverged weights
            throw new DivergedException("weights contain NaN/Inf after step " + (stepsDone - 1) + " of " + method.id()
                    + "; " + kept());
        }
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("model", net.graph().params().dup());
        EmaTarget.snapshot(ctx.targets()).forEach((k, v) -> arrays.put("target/" + k, v));
        optimizer.state().forEach((k, v) -> arrays.put("optim/" + k, v));
        method.state().forEach((k, v) -> arrays.put("method/" + k, v.dup()));
        if (probe != null) {
            probe.state().forEach((k, v) -> arrays.put("probe/" + k, v));
        }
        Map<String, Double> figures = new LinkedHashMap<>(stats.state(EPOCH_FIGURES));
        if (probe != null) {
            figures.putAll(probe.counters("probe/"));
        }
        figures.putAll(timingNow.figures());
        if (lowestEpoch > 0) {
            figures.put(LOWEST_STD, lowestEpochStd);
            figures.put(LOWEST_EPOCH, (double) lowestEpoch);
        }
        try {
            new Checkpoint(configHash, stepsDone, nextEpoch, nextBatch, arrays, figures).write(checkpointFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + checkpointFile(), e);
        }
    }

    private void restore(Checkpoint ck) {
        net.graph().params().assign(ck.arrays().get("model"));
        ck.group("target").forEach((k, v) -> ctx.emaTarget(k).restore(v));
        optimizer.restore(ck.group("optim"));
        method.restore(ck.group("method"));
        if (probe != null && !ck.group("probe").isEmpty()) {
            probe.restore(ck.group("probe"));
            probe.restoreCounters("probe/", ck.figures());
        }
        stats.restore(EPOCH_FIGURES, ck.figures());
        timing = Timing.of(ck.figures());
        // a checkpoint written before the trajectory was kept: from the epochs this process finishes on
        lowestEpoch = ck.figures().getOrDefault(LOWEST_EPOCH, 0.0).intValue();
        lowestEpochStd = ck.figures().getOrDefault(LOWEST_STD, Double.NaN);
    }

    private void say(String s) {
        if (console != null) {
            console.println(s);
        }
    }
}
