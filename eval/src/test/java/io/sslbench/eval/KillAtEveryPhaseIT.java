package io.sslbench.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.sslbench.core.engine.Checkpoint;
import io.sslbench.core.engine.MetricsLog;
import io.sslbench.core.util.AtomicFiles;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's "kill at every phase" test: a tiny {@code sslbench pretrain} run in a child JVM is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) at random points, the same command is rerun on the same folder until it
 * finishes, and the folder must equal an uninterrupted run's apart from timings: every {@code metrics.jsonl} row,
 * {@code summary.json}, {@code config.yaml}, {@code provenance.json}, every parameter of {@code model.zip}, the final
 * checkpoint's whole state (optimiser, EMA target, queue, probe, epoch sums), a {@code eval --protocol knn} row, and no
 * {@code *.tmp} file left behind.
 *
 * <p>Kills come from a seeded {@link Random} ({@code -Dsslbench.killtest.seed}), dealt from a shuffled deck: random
 * delays drawn uniformly from JVM start to the uninterrupted run's duration (start-up, data loading, training, epoch
 * ends, the final writes), and triggers that a uniform delay reaches only by luck: the appearance of an atomic write's
 * temporary file (checkpoint, metrics rewrite, config, provenance, model, summary), of an epoch's end row (before its
 * checkpoint) and of an epoch's last step row (in the kNN monitor). Timing decides what a kill really hit, so the phase
 * of each is read back from the folder (leftover temporary files, the checkpoint's step, the last metrics row) and
 * logged, with a count per phase, to {@code target/kill-resume/kills.txt} (each child's output beside it). Rounds (a
 * fresh folder killed until a rerun completes) repeat until {@code -Dsslbench.killtest.kills} kills (default 12) have
 * landed; {@code -Dsslbench.killtest.method} (default moco-v2: queue, EMA key encoder, shuffled BN) and
 * {@code -Dsslbench.killtest.set=k=v,...} try other methods and settings.
 *
 * <p>Bit-equal results need the same arithmetic: every child runs the same code path, and with
 * {@code OMP_NUM_THREADS=1} (same thread count in every process; one thread also keeps the children from spinning
 * against each other and against other jobs on a shared 2-core machine, which made steps 20x slower).
 */
class KillAtEveryPhaseIT {
    private static final String METHOD = System.getProperty("sslbench.killtest.method", "moco-v2");
    private static final String EXTRA_SETS = System.getProperty("sslbench.killtest.set", "");
    private static final int EPOCHS = 3;
    private static final int SUBSET = 256;
    private static final int BATCH = 32;
    private static final int STEPS_PER_EPOCH = SUBSET / BATCH;
    private static final int TOTAL_STEPS = EPOCHS * STEPS_PER_EPOCH;
    /** Timing fields of metrics rows: the only ones a resumed run may change. */
    private static final Set<String> METRIC_TIMINGS = Set.of("imgPerSec", "dataWaitMs", "dataWaitFraction");
    /** Timing fields of summary.json and result rows (and the provenance's time of writing). */
    private static final Set<String> RESULT_TIMINGS = Set.of("imgPerSec", "wallSeconds", "peakRssBytes");
    private static final String RUN = "run"; // the same folder name everywhere: eval's runId is the folder's name

    private final Path base = Path.of("target", "kill-resume").toAbsolutePath();
    private final Path repo = Path.of(System.getProperty("sslbench.repo", "..")).toAbsolutePath().normalize();
    private final List<String> killLog = new ArrayList<>();

    @Test
    void killedAtRandomPointsAndResumedEqualsTheUninterruptedRun() throws Exception {
        long seed = Long.getLong("sslbench.killtest.seed", 16);
        int wantKills = Integer.getInteger("sslbench.killtest.kills", 12);
        io.sslbench.core.util.AtomicFiles.deleteTree(base);
        Files.createDirectories(base);
        long t0 = System.nanoTime();

        Path ref = base.resolve("uninterrupted").resolve(RUN);
        long s = System.nanoTime();
        ChildJvm refRun = ChildJvm.start(pretrainCommand(ref), base.resolve("uninterrupted.log"));
        assertEquals(0, refRun.waitFor(600), "uninterrupted run failed:\n" + refRun.tail());
        double refSeconds = (System.nanoTime() - s) / 1e9;
        log(String.format(Locale.ROOT, "seed %d; uninterrupted run: %.1f s (%d steps of %s)", seed, refSeconds,
                TOTAL_STEPS, METHOD));

        Random rnd = new Random(seed);
        List<Plan> deck = new ArrayList<>();
        Map<String, Integer> phases = new TreeMap<>();
        int kills = 0;
        int round = 0;
        int resumedMidRun = 0;
        Path killed = null;
        while (kills < wantKills) {
            round++;
            killed = base.resolve("round-" + round).resolve(RUN);
            for (int attempt = 1; ; attempt++) {
                // after 8 kills a round is let finish: a resume always completes
                Plan plan = attempt > 8 ? Plan.NONE : Plan.next(rnd, refSeconds, deck);
                State before = State.of(killed);
                ChildJvm c = ChildJvm.start(pretrainCommand(killed), base.resolve("round-" + round + "-" + attempt + ".log"));
                if (before.checkpointStep > 0 && before.checkpointStep < TOTAL_STEPS) {
                    resumedMidRun++;
                }
                boolean wasKilled = plan.apply(c, killed, refSeconds);
                if (!wasKilled) {
                    assertEquals(0, c.waitFor(600), "round " + round + " attempt " + attempt + " failed:\n" + c.tail());
                    log(String.format(Locale.ROOT, "round %d attempt %d: %s, finished (%s)", round, attempt, plan,
                            before.describe()));
                    break;
                }
                kills++;
                String phase = State.of(killed).phaseOfKill(before, c.log());
                phases.merge(phase.replaceAll(" \\(.*", ""), 1, Integer::sum);
                log(String.format(Locale.ROOT, "round %d attempt %d: %s -> killed: %s", round, attempt, plan, phase));
            }
            assertSameRun(ref, killed, "round " + round);
        }
        log("kills by phase: " + phases);
        assertTrue(resumedMidRun > 0, "no run was resumed from a mid-run checkpoint: the kills never landed in training");

        // the results rows of both folders
        JsonObject refRow = knnRow(ref);
        JsonObject killedRow = knnRow(killed);
        assertEquals(refRow, killedRow, "kNN result rows differ apart from timings");
        log(String.format(Locale.ROOT, "%d kills in %d rounds, whole test %.0f s", kills, round,
                (System.nanoTime() - t0) / 1e9));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the child processes

    private List<String> javaCommand() {
        return ChildJvm.javaCommand(repo);
    }

    private String dataRoot() {
        return ChildJvm.dataRoot(repo);
    }

    private List<String> pretrainCommand(Path out) {
        List<String> cmd = javaCommand();
        cmd.addAll(List.of("pretrain", "--method", METHOD, "--quiet", "--data-root", dataRoot(), "--out", out.toString()));
        for (String kv : List.of("data.subset=" + SUBSET, "data.testSubset=200", "epochs=" + EPOCHS,
                "batchSize=" + BATCH, "backbone=small-cifar",
                // checkpoints every 3 steps (epochs of 8), a metrics row every step, the kNN monitor every epoch:
                // kills land between, during and right after checkpoints, at epoch ends and in the monitor
                "engine.checkpointEverySteps=3", "engine.logEverySteps=1", "engine.knnMonitorEvery=1",
                "engine.knnMonitorTrain=256", "engine.knnMonitorTest=200")) {
            cmd.add("--set");
            cmd.add(kv);
        }
        for (String kv : EXTRA_SETS.split(",")) { // e.g. -Dsslbench.killtest.set=method.queueLength=64,method.queueStartEpoch=1
            if (!kv.isBlank()) {
                cmd.add("--set");
                cmd.add(kv.strip());
            }
        }
        return cmd;
    }

    private JsonObject knnRow(Path runDir) throws Exception {
        Path store = runDir.resolveSibling("results.jsonl");
        List<String> cmd = javaCommand();
        cmd.addAll(List.of("eval", "--run", runDir.toString(), "--protocol", "knn", "--results", store.toString(),
                "--data-root", dataRoot()));
        ChildJvm c = ChildJvm.start(cmd, runDir.resolveSibling("eval.log"));
        assertEquals(0, c.waitFor(600), "eval of " + runDir + " failed:\n" + c.tail());
        List<String> lines = Files.readAllLines(store).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), store + " should hold one row");
        JsonObject row = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        RESULT_TIMINGS.forEach(row::remove);
        row.getAsJsonObject("metrics").remove("evalSeconds");
        row.getAsJsonObject("provenance").remove("timestamp");
        return row;
    }

    /**
     * When to kill a child: after a delay; when the {@code n}-th temporary file of an atomic write whose name starts with
     * {@code file} appears (checkpoint, model, summary, config, provenance, the metrics rewrite of a resume); when the
     * {@code n}-th epoch's end row appears (between the row and its checkpoint); when an epoch's last step row appears
     * (in the kNN monitor); or never.
     */
    private record Plan(Kind kind, double delaySeconds, String file, int n) {
        enum Kind { DELAY, WRITE, EPOCH_ROW, EPOCH_LAST_STEP, NONE }

        static final Plan NONE = new Plan(Kind.NONE, 0, "", 0);

        /**
         * The next plan from a deck dealt in a seeded random order and dealt again when used up: five random delays and
         * one of each trigger, so a dozen kills reach every phase a delay alone would reach only by luck.
         */
        static Plan next(Random rnd, double refSeconds, List<Plan> deck) {
            if (deck.isEmpty()) {
                for (int i = 0; i < 5; i++) { // anywhere from JVM start to the end of an uninterrupted run
                    deck.add(new Plan(Kind.DELAY, 0.2 + rnd.nextDouble() * refSeconds, "", 0));
                }
                deck.add(new Plan(Kind.WRITE, 0, "last.ckpt", 1 + rnd.nextInt(TOTAL_STEPS / 3)));
                for (String f : List.of("model.zip", "summary.json", "metrics.jsonl", rnd.nextBoolean() ? "config.yaml"
                        : "provenance.json")) {
                    deck.add(new Plan(Kind.WRITE, 0, f, 1));
                }
                deck.add(new Plan(Kind.EPOCH_ROW, 0, "", 1 + rnd.nextInt(EPOCHS)));
                deck.add(new Plan(Kind.EPOCH_LAST_STEP, 0, "", 1 + rnd.nextInt(EPOCHS)));
                java.util.Collections.shuffle(deck, rnd);
            }
            return deck.remove(deck.size() - 1);
        }

        /** @return true if the child was killed, false if it exited first */
        boolean apply(ChildJvm c, Path runDir, double refSeconds) throws Exception {
            switch (kind) {
                case NONE:
                    return false;
                case DELAY:
                    if (c.process().waitFor((long) (delaySeconds * 1000), TimeUnit.MILLISECONDS)) {
                        return false;
                    }
                    c.kill();
                    return true;
                default:
                    break;
            }
            Set<Path> seen = new HashSet<>();
            Path metrics = runDir.resolve("metrics.jsonl");
            long metricsSize = sizeOf(metrics); // only rows this process writes trigger
            long deadline = System.nanoTime() + (long) (Math.max(60, 5 * refSeconds) * 1e9);
            while (c.process().isAlive() && System.nanoTime() < deadline) {
                boolean hit = false;
                if (kind == Kind.WRITE) {
                    for (Path p : tmpFiles(runDir)) {
                        if (p.getFileName().toString().startsWith(file + ".") && seen.add(p) && seen.size() == n) {
                            hit = true;
                        }
                    }
                } else {
                    long size = sizeOf(metrics);
                    if (size != metricsSize) {
                        metricsSize = size;
                        hit = epochTrigger(metrics);
                    }
                }
                if (hit) {
                    c.kill();
                    return true;
                }
                Thread.sleep(1);
            }
            return false;
        }

        /** @return whether the metrics' last complete row is the trigger of an epoch trigger */
        private boolean epochTrigger(Path metrics) {
            List<Map<String, Object>> rows;
            try {
                rows = MetricsLog.read(metrics);
            } catch (RuntimeException e) {
                return false; // read mid-rewrite: look again
            }
            if (rows.isEmpty()) {
                return false;
            }
            Map<String, Object> last = rows.get(rows.size() - 1);
            long step = ((Number) last.get("step")).longValue();
            boolean epochEnd = Boolean.TRUE.equals(last.get("epochEnd"));
            return step == (long) n * STEPS_PER_EPOCH - 1 && (kind == Kind.EPOCH_ROW) == epochEnd;
        }

        private static long sizeOf(Path f) {
            try {
                return Files.exists(f) ? Files.size(f) : -1;
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public String toString() {
            return switch (kind) {
                case DELAY -> String.format(Locale.ROOT, "kill after %.2f s", delaySeconds);
                case WRITE -> "kill at write #" + n + " of " + file;
                case EPOCH_ROW -> "kill at epoch " + n + "'s end row";
                case EPOCH_LAST_STEP -> "kill at epoch " + n + "'s last step row";
                case NONE -> "no kill";
            };
        }
    }

    /** What a run folder holds, read between two processes. */
    private record State(long checkpointStep, List<String> leftovers, List<Map<String, Object>> metrics, boolean tornMetrics,
                         boolean summary, boolean model) {
        static State of(Path runDir) {
            long ck = -1;
            Path ckFile = runDir.resolve("checkpoints").resolve("last.ckpt");
            if (Files.exists(ckFile)) {
                try {
                    ck = Checkpoint.readMeta(ckFile).step();
                } catch (IOException e) {
                    throw new AssertionError("a kill left an unreadable checkpoint: " + e.getMessage(), e);
                }
            }
            Path m = runDir.resolve("metrics.jsonl");
            boolean torn = false;
            try {
                torn = Files.exists(m) && Files.size(m) > 0 && !Files.readString(m).endsWith("\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new State(ck, tmpFiles(runDir).stream().map(p -> runDir.relativize(p).toString()).sorted().toList(),
                    MetricsLog.read(m), torn, Files.exists(runDir.resolve("summary.json")),
                    Files.exists(runDir.resolve("model.zip")));
        }

        String describe() {
            return checkpointStep < 0 ? "no checkpoint" : "from the checkpoint after step " + checkpointStep;
        }

        /** @return what the process killed between {@code before} and this state was doing, as far as the folder tells */
        String phaseOfKill(State before, String log) {
            String from = " (" + before.describe() + ")";
            if (!leftovers.isEmpty()) {
                return "during an atomic write of " + leftovers.stream().map(f -> f.replaceAll("\\.[0-9]+\\.tmp$", ""))
                        .collect(Collectors.joining(", ")) + from;
            }
            if (tornMetrics) {
                return "during a metrics.jsonl append (torn line)" + from;
            }
            if (summary) {
                return before.summary ? "rerun of a finished folder" + from : "after the summary was written" + from;
            }
            if (checkpointStep == TOTAL_STEPS) {
                return (model ? "after model.zip, before summary.json" : "after the last checkpoint, before model.zip")
                        + from;
            }
            long lastStep = metrics.isEmpty() ? -1 : ((Number) metrics.get(metrics.size() - 1).get("step")).longValue();
            // this process logged no step: rows unchanged (a rerun's rows differ in timings), or none past the checkpoint
            if (metrics.equals(before.metrics) || lastStep < Math.max(0, before.checkpointStep)) {
                return (log.contains("pretraining " + METHOD) ? "start-up: model built / resumed, first step"
                        : "start-up: JVM, data loading") + from;
            }
            Map<String, Object> last = metrics.get(metrics.size() - 1);
            if (Boolean.TRUE.equals(last.get("epochEnd"))) {
                return checkpointStep == lastStep + 1 ? "epoch end, after its checkpoint" + from
                        : "epoch end: row written, before its checkpoint" + from;
            }
            if ((lastStep + 1) % STEPS_PER_EPOCH == 0) {
                return "epoch end: last step done, in the kNN monitor (step " + lastStep + ")" + from;
            }
            return (checkpointStep == lastStep + 1 ? "training: right after a checkpoint" : "training: mid-epoch")
                    + " (step " + lastStep + ", checkpoint " + checkpointStep + ")" + from;
        }
    }

    private static List<Path> tmpFiles(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(runDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(AtomicFiles.TMP_SUFFIX)).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // a file vanished mid-walk (the child renamed it): nothing to report this time
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the comparison

    private void assertSameRun(Path ref, Path run, String what) throws IOException {
        assertEquals(List.of(), tmpFiles(run).stream().map(Path::toString).toList(), what + ": temporary files left");
        // metrics.jsonl: every row, in order, exactly once; timings apart
        List<Map<String, Object>> a = withoutTimings(MetricsLog.read(ref.resolve("metrics.jsonl")));
        List<Map<String, Object>> b = withoutTimings(MetricsLog.read(run.resolve("metrics.jsonl")));
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            assertEquals(a.get(i), b.get(i), what + ": metrics.jsonl row " + (i + 1));
        }
        assertEquals(a.size(), b.size(), what + ": metrics.jsonl rows");
        assertEquals(Files.readString(ref.resolve("config.yaml")), Files.readString(run.resolve("config.yaml")),
                what + ": config.yaml");
        assertEquals(json(ref.resolve("provenance.json"), null, "timestamp"),
                json(run.resolve("provenance.json"), null, "timestamp"), what + ": provenance.json");
        assertEquals(json(ref.resolve("summary.json"), "result", "timestamp"),
                json(run.resolve("summary.json"), "result", "timestamp"), what + ": summary.json");
        // model.zip: the online network's every parameter (BN running statistics included), bit for bit
        ComputationGraph ma = ModelSerializer.restoreComputationGraph(ref.resolve("model.zip").toFile(), false);
        ComputationGraph mb = ModelSerializer.restoreComputationGraph(run.resolve("model.zip").toFile(), false);
        assertEquals(ma.getConfiguration().toJson(), mb.getConfiguration().toJson(), what + ": model.zip configuration");
        assertArrayEquals(values(ma.params()), values(mb.params()), what + ": model.zip parameters");
        // the last checkpoint: all training state (optimiser, EMA target, queue, probe, epoch sums), timings apart
        Checkpoint ca = Checkpoint.read(ref.resolve("checkpoints/last.ckpt"));
        Checkpoint cb = Checkpoint.read(run.resolve("checkpoints/last.ckpt"));
        assertEquals(List.of(ca.step(), ca.epoch(), ca.batchInEpoch()), List.of(cb.step(), cb.epoch(), cb.batchInEpoch()),
                what + ": checkpoint clock");
        assertEquals(ca.arrays().keySet(), cb.arrays().keySet(), what + ": checkpoint arrays");
        for (String k : ca.arrays().keySet()) {
            assertArrayEquals(ca.arrays().get(k).shape(), cb.arrays().get(k).shape(), what + ": checkpoint " + k);
            assertArrayEquals(values(ca.arrays().get(k)), values(cb.arrays().get(k)), what + ": checkpoint " + k);
        }
        assertEquals(withoutTime(ca.figures()), withoutTime(cb.figures()), what + ": checkpoint figures");
    }

    private static List<Map<String, Object>> withoutTimings(List<Map<String, Object>> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Map<String, Object> m = new LinkedHashMap<>(r);
            METRIC_TIMINGS.forEach(m::remove);
            out.add(m);
        }
        return out;
    }

    private static Map<String, Double> withoutTime(Map<String, Double> figures) {
        Map<String, Double> m = new TreeMap<>(figures);
        // the run's timings, and the epoch's seconds waited and stepped (its dataWaitFraction)
        m.keySet().removeIf(k -> k.startsWith("time/") || k.equals("epoch/waitSum") || k.equals("epoch/stepSum"));
        return m;
    }

    /** The file's JSON with the result's timings (under {@code resultKey}) and every provenance timestamp removed. */
    private static JsonObject json(Path file, String resultKey, String timestamp) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        if (resultKey != null) {
            JsonObject r = o.getAsJsonObject(resultKey);
            RESULT_TIMINGS.forEach(r::remove);
            JsonElement p = o.get("provenance");
            if (p != null) {
                p.getAsJsonObject().remove(timestamp);
            }
        } else {
            o.remove(timestamp);
        }
        return o; // JsonObject equality: same members and values, in any order
    }

    /** Exact values (FLOAT to double is exact): INDArray.equals would tolerate 1e-5. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).reshape(a.length()).toDoubleVector();
    }

    private void log(String line) {
        System.out.println("[kill-resume] " + line);
        killLog.add(line);
        try {
            Files.write(base.resolve("kills.txt"), killLog, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
