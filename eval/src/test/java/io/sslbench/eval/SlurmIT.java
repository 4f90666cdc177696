package io.sslbench.eval;

import io.sslbench.core.results.ResultRow;
import io.sslbench.core.results.ResultsStore;
import io.sslbench.eval.launch.SlurmLauncher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 17 on a real SLURM cluster (the single-node one {@code .ci/slurm-up.sh} starts: Debian's slurmctld, slurmd
 * and munge): a tiny suite submitted with {@code grid --launcher slurm} as an array of 2 concurrent tasks lands every
 * row exactly once, with provenance; a task preempted with {@code scancel --signal=USR1 --batch} in the middle of its
 * training checkpoints, requeues itself, resumes, and ends with the same rows as an uninterrupted run of the same cell.
 * Skipped, saying so, where no cluster answers (CI starts one). Children run with one OpenMP thread (see
 * {@link ChildJvm}), and the batch jobs inherit that environment from sbatch.
 */
class SlurmIT {
    private static final Path REPO = Path.of(System.getProperty("sslbench.repo", "..")).toAbsolutePath().normalize();
    private final Path base = REPO.resolve("eval/target/slurm-it").toAbsolutePath();

    @BeforeAll
    static void cluster() {
        assumeTrue(SlurmLauncher.available(), "no SLURM cluster answers here (sinfo failed): start one with "
                + ".ci/slurm-up.sh (root; installs Debian's slurmctld/slurmd/munge) to run SlurmIT");
    }

    private Path suite(String name, int epochs, int subset, String heads) throws Exception {
        Path f = base.resolve(name + ".yaml");
        Files.createDirectories(base);
        Files.writeString(f, """
                name: %s
                overrides:
                  epochs: %d
                  batchSize: 32
                  backbone: small-imagenet
                  data.subset: %d
                  data.evalSubset: 1000
                  data.testSubset: 500
                  optim.warmupEpochs: 0
                  optim.scaleWithBatch: false
                  engine.knnMonitorEvery: 0
                  engine.checkpointEverySteps: 4
                  engine.logEverySteps: 1
                  engine.quiet: true
                perMethod:
                  simclr: {method.hiddenDim: 64}
                protocols: [knn]
                grids:
                  - {grid: simclr-head, seeds: [0], axes: {method.head: [%s]}}
                """.formatted(name, epochs, subset, heads), StandardCharsets.UTF_8);
        return f;
    }

    private List<String> grid(Path suite, Path results, Path runs, String... extra) {
        List<String> cmd = ChildJvm.javaCommand(REPO);
        cmd.addAll(List.of("grid", "--suite", suite.toString(), "--results", results.toString(), "--runs",
                runs.toString(), "--data-root", ChildJvm.dataRoot(REPO)));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** Submits, and returns the array's job id. */
    private String submit(Path suite, Path results, Path runs, String... options) throws Exception {
        List<String> cmd = grid(suite, results, runs, "--launcher", "slurm", "--cpus-per-task", "1", "--time", "00:20:00");
        cmd.addAll(List.of(options));
        Files.createDirectories(runs.getParent());
        ChildJvm c = ChildJvm.start(cmd, runs.resolveSibling("submit.log"));
        assertEquals(0, c.waitFor(300), "submission failed:\n" + c.tail());
        String line = c.log().lines().filter(l -> l.startsWith("submitted job array ")).findFirst()
                .orElseThrow(() -> new AssertionError("no job id in:\n" + c.tail()));
        return line.split(" ")[3];
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " hung");
        return out;
    }

    /** Waits until no task of the job is in the queue. */
    private static void awaitDone(String job, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (sh("squeue", "-h", "-j", job).isBlank()) {
                return;
            }
            Thread.sleep(2000);
        }
        fail("job " + job + " still queued after " + seconds + " s:\n" + sh("squeue", "-j", job));
    }

    private static Map<String, Object> comparable(ResultRow r) {
        return Map.of("runId", r.runId(), "grid", r.grid(), "protocol", r.protocol(), "top1", r.metric("top1"),
                "top5", r.metric("top5"), "pretrainLoss", r.metric("pretrainLoss"), "collapseStd", r.collapseStd(),
                "configHash", r.provenance().configHash(), "dataHash", r.provenance().dataHash());
    }

    @Test
    void anArrayOfTwoConcurrentTasksLandsEveryRowOnceAndAPreemptedTaskResumesToTheSameResult() throws Exception {
        io.sslbench.core.util.AtomicFiles.deleteTree(base);
        // 1. three cells as an array of 2 concurrent tasks
        Path s1 = suite("slurm-it", 2, 256, "mlp, none, linear");
        Path results = base.resolve("a/results.jsonl"), runs = base.resolve("a/runs");
        String job = submit(s1, results, runs, "--array-parallelism", "2");
        awaitDone(job, 900);
        List<ResultRow> rows = new ResultsStore(results).readAll();
        assertEquals(3, rows.size(), "one knn row per cell: " + rows);
        Set<String> keys = new HashSet<>();
        for (ResultRow r : rows) {
            assertTrue(keys.add(r.grid() + "|" + r.runId() + "|" + r.protocol()), "row twice: " + r.runId());
            assertNotNull(r.provenance().gitCommit(), "provenance");
            assertFalse(r.provenance().configHash().isBlank());
            assertFalse(r.provenance().dataHash().isBlank());
        }
        assertEquals(3, Files.list(new ResultsStore(results).cellDir()).count(), "a cell file per task");
        // the status reads the store: every cell done (rows of a dirty tree are never reused, so there: to do)
        ChildJvm st = ChildJvm.start(grid(s1, results, runs, "--status"), base.resolve("a/status.log"));
        assertEquals(0, st.waitFor(300), st.tail());
        boolean clean = !rows.get(0).provenance().gitDirty();
        assertTrue(st.log().contains(clean ? "3 cells: {done=3, running=0, queued=0, failed=0, todo=0}"
                : "3 cells: {done=0, running=0, queued=0, failed=0, todo=3}"), st.tail());

        // 2. one longer cell, preempted mid-training: USR1 to its batch script, as SLURM's time-limit warning. A run
        // folder of a dirty tree is never resumed (it may hold other code's weights: SuiteRunner), so this half needs a
        // clean checkout, as CI's
        assumeTrue(clean, "the preemption half resumes run folders, which only a clean checkout does: commit first");
        Path s2 = suite("slurm-it-preempt", 6, 1024, "mlp");
        Path pr = base.resolve("b/results.jsonl"), pruns = base.resolve("b/runs");
        String job2 = submit(s2, pr, pruns);
        Path metrics;
        long end = System.nanoTime() + 600_000_000_000L;
        while (true) {
            try (var dirs = Files.list(pruns)) {
                metrics = dirs.filter(d -> d.getFileName().toString().startsWith("simclr-"))
                        .map(d -> d.resolve("metrics.jsonl")).filter(Files::isRegularFile).findFirst().orElse(null);
            } catch (java.nio.file.NoSuchFileException e) {
                metrics = null;
            }
            if (metrics != null && Files.readAllLines(metrics).size() >= 40) { // 40 of its 192 steps done
                break;
            }
            assertTrue(System.nanoTime() < end, "the task did not start training within 600 s");
            Thread.sleep(200);
        }
        sh("scancel", "--signal=USR1", "--batch", job2 + "_0");
        awaitDone(job2, 900);
        String log = Files.readString(pruns.resolve("_launch/slurm-it-preempt/logs/" + job2 + "_0.out"));
        assertTrue(log.contains("preempted: checkpoint written, requeueing"), "the batch script saw the signal:\n" + log);
        assertTrue(log.contains("stop requested: checkpoint at step"), "the trainer checkpointed:\n" + log);
        assertTrue(log.contains("resuming from step"), "the requeued task resumed:\n" + log);
        List<ResultRow> preempted = new ResultsStore(pr).readAll();
        assertEquals(1, preempted.size(), preempted.toString());

        // the same cell uninterrupted, in a folder of its own
        Path ur = base.resolve("c/results.jsonl");
        List<String> cell = ChildJvm.javaCommand(REPO);
        cell.addAll(List.of("cell", "--suite", s2.toString(), "--index", "0", "--results", ur.toString(), "--runs",
                base.resolve("c/runs").toString(), "--data-root", ChildJvm.dataRoot(REPO)));
        Files.createDirectories(base.resolve("c"));
        ChildJvm c = ChildJvm.start(cell, base.resolve("c/cell.log"));
        assertEquals(0, c.waitFor(900), c.tail());
        List<ResultRow> reference = new ResultsStore(ur).readAll();
        assertEquals(1, reference.size());
        assertEquals(comparable(reference.get(0)), comparable(preempted.get(0)),
                "the preempted and requeued run ends as the uninterrupted one");
        List<String> refMetrics = new ArrayList<>(Files.readAllLines(base.resolve("c/runs")
                .resolve(reference.get(0).runId()).resolve("metrics.jsonl")));
        assertEquals(refMetrics.size(), Files.readAllLines(metrics).size(), "the same metrics rows");
    }
}
