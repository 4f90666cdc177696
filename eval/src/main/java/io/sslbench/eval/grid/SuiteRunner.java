package io.sslbench.eval.grid;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.RunIdentity;
import io.sslbench.core.results.ResultRow;
import io.sslbench.core.results.ResultsStore;
import io.sslbench.eval.run.Evaluate;
import io.sslbench.eval.run.Pretrain;

import com.google.gson.Gson;
import io.sslbench.core.results.Provenance;
import io.sslbench.core.results.Provenances;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs grids: every cell x seed is pretrained (resuming an interrupted run folder) and evaluated,
 * and its rows are appended atomically to the results store. A (config hash, protocol) already in the
 * store is not run again, so an interrupted grid or suite resumes where it stopped.
 *
 * <p>Reuse is by code identity as well: a stored row counts only if it was computed by the running build (same
 * commit, neither tree dirty; {@link Provenances.Commit#produced}). Rows of other code are recomputed, with a
 * message, and a run folder left by other code is moved aside to {@code <runs>/stale/} (never deleted) rather than
 * resumed.
 */
public final class SuiteRunner {
    private final ResultsStore store;
    private final Path runsDir;
    private final String dataRoot;
    private final Path repo;
    private final PrintStream out;
    private final Provenances.Commit code;
    /** Loaded data by the whole data section of the config, so no field that selects images can be left out. */
    private final Map<RunConfig.Data, Pretrain.Data> dataCache = new HashMap<>();

    public SuiteRunner(ResultsStore store, Path runsDir, String dataRoot, Path repo, PrintStream out) {
        this(store, runsDir, dataRoot, repo, out, Provenances.runningCode(repo));
    }

    /** As the public constructor, with the running code given (tests). */
    SuiteRunner(ResultsStore store, Path runsDir, String dataRoot, Path repo, PrintStream out, Provenances.Commit code) {
        this.store = store;
        this.runsDir = runsDir;
        this.dataRoot = dataRoot;
        this.repo = repo;
        this.out = out;
        this.code = code;
    }

    /** @return the rows of {@code rows} computed by the running build (see the class comment) */
    public List<ResultRow> current(List<ResultRow> rows) {
        return rows.stream().filter(r -> code.produced(r.provenance())).toList();
    }

    /** A resolved job: one cell at one seed, and the protocols evaluated on it. */
    public record Job(String grid, Grid.Cell cell, RunConfig config, String cellId, List<String> protocols) {
        public String runId() {
            return config.methodName() + "-" + RunIdentity.hash(config);
        }
    }

    /** @return every job of the suite, in order (no work done) */
    public static List<Job> plan(Suite suite) {
        List<Job> jobs = new ArrayList<>();
        for (Suite.Entry e : suite.grids()) {
            Grid g = e.load();
            List<Long> seeds = e.seeds().isEmpty() ? g.seeds() : e.seeds();
            for (Grid.Cell c : g.cells()) {
                Map<String, Object> tree = c.tree();
                String method = String.valueOf(((Map<?, ?>) tree.get("method")).get("name"));
                List<String> sets = new ArrayList<>(suite.assignments(method));
                e.overrides().forEach((k, v) -> sets.add(k + "=" + v));
                c.values().forEach((k, v) -> sets.add(k + "=" + v)); // the axis wins over the suite's scale
                Map<String, Object> cellTree = ConfigTree.override(tree, sets);
                String cellId = ConfigTree.hash(withoutSeed(RunIdentity.tree(RunConfig.from(cellTree))));
                for (long seed : seeds) {
                    RunConfig cfg = RunConfig.from(ConfigTree.override(cellTree, List.of("seed=" + seed)));
                    jobs.add(new Job(g.name(), c, cfg, cellId, suite.protocolsOf(e)));
                }
            }
        }
        return jobs;
    }

    private static Map<String, Object> withoutSeed(Map<String, Object> t) {
        Map<String, Object> m = new LinkedHashMap<>(t);
        m.remove("seed");
        return m;
    }

    /** @return the jobs still to run: those without a row of their grid for every one of their protocols */
    public List<Job> pending(List<Job> jobs) {
        Map<String, Set<String>> done = new HashMap<>();
        for (ResultRow r : current(store.readAll())) {
            done.computeIfAbsent(r.grid() + "|" + r.provenance().configHash(), k -> new TreeSet<>()).add(r.protocol());
        }
        List<Job> out = new ArrayList<>();
        for (Job j : jobs) {
            if (!done.getOrDefault(j.grid() + "|" + RunIdentity.hash(j.config()), Set.of()).containsAll(j.protocols())) {
                out.add(j);
            }
        }
        return out;
    }

    /**
     * Rows of the same configuration already measured under another grid (grids share cells: the
     * methods grid's SimSiam is the ablation's stop-gradient/predictor cell): re-labelled for this job's
     * grid instead of trained again.
     */
    private List<ResultRow> reuse(Job j, List<String> protocols) {
        Map<String, ResultRow> byProtocol = new LinkedHashMap<>();
        String hash = RunIdentity.hash(j.config());
        for (ResultRow r : current(store.readAll())) {
            if (r.provenance().configHash().equals(hash) && protocols.contains(r.protocol())) {
                byProtocol.putIfAbsent(r.protocol(), r);
            }
        }
        if (!byProtocol.keySet().containsAll(protocols)) {
            return List.of();
        }
        List<ResultRow> out = new ArrayList<>();
        for (ResultRow r : byProtocol.values()) {
            out.add(new ResultRow(r.runId(), r.suite(), j.grid(), j.cellId(), r.method(), j.cell().axesAsStrings(),
                    r.protocol(), r.metrics(), r.backbone(), r.dataset(), r.epochs(), r.imgPerSec(), r.wallSeconds(),
                    r.peakRssBytes(), r.collapseStd(), r.embeddingDim(), r.collapsed(), r.provenance()));
        }
        return out;
    }

    /** Runs the suite's pending jobs; returns the rows this call added. */
    public List<ResultRow> run(Suite suite) {
        List<Job> all = plan(suite);
        List<ResultRow> stored = store.readAll();
        long stale = stored.size() - current(stored).size();
        if (stale > 0) {
            out.printf(Locale.ROOT, "%d of the %d rows in %s were computed by other code than this build (%s): "
                    + "not reused, their runs are recomputed%n", stale, stored.size(), store.file(), code.shortName());
        }
        List<Job> todo = pending(all);
        out.printf(Locale.ROOT, "suite %s: %d runs, %d already in %s%n", suite.name(), all.size(), all.size() - todo.size(),
                store.file());
        List<ResultRow> added = new ArrayList<>();
        long t0 = System.nanoTime();
        int i = 0;
        for (Job j : todo) {
            i++;
            out.printf(Locale.ROOT, "[%d/%d] %s %s %s seed %d (%.0f s elapsed)%n", i, todo.size(), j.grid(),
                    j.config().methodName(), j.cell().axesAsStrings(), j.config().seed(), (System.nanoTime() - t0) / 1e9);
            List<ResultRow> reused = reuse(j, j.protocols());
            if (!reused.isEmpty()) {
                out.println("  same configuration already measured (run " + reused.get(0).runId() + "): rows re-labelled");
                store.append(reused);
                added.addAll(reused);
                continue;
            }
            List<ResultRow> rows = trainAndEvaluate(suite, j);
            store.append(rows);
            added.addAll(rows);
        }
        out.printf(Locale.ROOT, "suite %s done in %.0f s%n", suite.name(), (System.nanoTime() - t0) / 1e9);
        return added;
    }

    /** Thrown when a run's pretraining stopped on a stop request (preemption) before its last step: nothing to evaluate. */
    public static final class Preempted extends RuntimeException {
        Preempted(String message) {
            super(message);
        }
    }

    /** Pretrains (or resumes) one job's run and evaluates it; the rows are not stored. */
    private List<ResultRow> trainAndEvaluate(Suite suite, Job j) {
        RunConfig cfg = j.config();
        setAsideIfOtherCode(runsDir.resolve(j.runId()));
        Pretrain.Data data = dataCache.computeIfAbsent(cfg.data(), k -> Pretrain.loadData(cfg, dataRoot, true));
        Pretrain.Outcome o = Pretrain.run(cfg, runsDir.resolve(j.runId()), data, repo, out);
        if (!o.result().completed()) {
            throw new Preempted("run " + j.runId() + " stopped at step " + o.result().steps() + " of its pretraining "
                    + "(checkpoint written): run the cell again to resume it");
        }
        return Evaluate.run(o, j.protocols(), new Evaluate.Context(suite.name(), j.grid(), j.cellId(),
                j.cell().axesAsStrings(), runsDir.resolve("subsets"), suite.fineTuneEpochs(), suite.linear()), out);
    }

    /**
     * Runs job {@code index} of {@link #plan} (one task of a scheduler's array) through the same code as {@link #run},
     * its rows written as a cell file of their own ({@link ResultsStore#writeCell}); a job already done writes nothing.
     *
     * @return the rows written (empty when the job was done)
     * @throws Preempted when a stop request ended the pretraining first (its checkpoint is written)
     */
    public List<ResultRow> runCell(Suite suite, int index) {
        List<Job> all = plan(suite);
        if (index < 0 || index >= all.size()) {
            throw new IllegalArgumentException("suite " + suite.name() + " has " + all.size() + " cells (index 0.."
                    + (all.size() - 1) + "), not " + index);
        }
        Job j = all.get(index);
        out.printf(Locale.ROOT, "cell %d of suite %s: %s %s %s seed %d%n", index, suite.name(), j.grid(),
                j.config().methodName(), j.cell().axesAsStrings(), j.config().seed());
        if (pending(List.of(j)).isEmpty()) {
            out.println("  already in " + store.file() + ": nothing to do");
            return List.of();
        }
        List<ResultRow> rows = reuse(j, j.protocols());
        if (rows.isEmpty()) {
            rows = trainAndEvaluate(suite, j);
        } else {
            out.println("  same configuration already measured (run " + rows.get(0).runId() + "): rows re-labelled");
        }
        store.writeCell(cellKey(j), rows);
        return rows;
    }

    /** @return the name of a job's cell file: its grid and run id (one file per (grid, run)) */
    public static String cellKey(Job j) {
        return j.grid() + "-" + j.runId();
    }

    /**
     * A run folder whose {@code provenance.json} names other code than this build (or cannot be read) would be
     * resumed, or taken as finished, with weights of that code: it is moved to {@code <runs>/stale/<name>-<commit>}.
     */
    void setAsideIfOtherCode(Path runDir) {
        Path prov = runDir.resolve("provenance.json");
        if (!Files.isDirectory(runDir)) {
            return;
        }
        Provenance p = null;
        try {
            p = new Gson().fromJson(Files.readString(prov, StandardCharsets.UTF_8), Provenance.class);
        } catch (IOException | RuntimeException e) {
            // unreadable or missing: not known to be this code's
        }
        if (p != null && p.gitCommit() != null && code.produced(p)) {
            return;
        }
        String from = p == null || p.gitCommit() == null ? "unknown"
                : p.gitCommit().substring(0, Math.min(8, p.gitCommit().length())) + (p.gitDirty() ? "+dirty" : "");
        Path target = runsDir.resolve("stale").resolve(runDir.getFileName() + "-" + from + "-" + System.currentTimeMillis());
        try {
            Files.createDirectories(target.getParent());
            Files.move(runDir, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the run folder " + runDir + " of other code aside to " + target, e);
        }
        out.println("  run folder " + runDir.getFileName() + " was made by other code (" + from + ", this build "
                + code.shortName() + "): moved to " + target + ", training from scratch");
    }
}
