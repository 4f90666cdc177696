package io.sslbench.eval.cli;

import io.sslbench.core.engine.RunIdentity;
import io.sslbench.core.results.ResultsStore;
import io.sslbench.core.util.BundledResources;
import io.sslbench.eval.grid.Grid;
import io.sslbench.eval.grid.Suite;
import io.sslbench.eval.grid.SuiteRunner;
import io.sslbench.eval.launch.CellCommandLine;
import io.sslbench.eval.launch.LaunchRecords;
import io.sslbench.eval.launch.LocalLauncher;
import io.sslbench.eval.launch.SlurmLauncher;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code sslbench grid}: run a grid (or a whole suite) with resumable, cached cells, here or on a SLURM cluster. */
final class GridCommand implements Main.Command {
    @Override
    public String summary() {
        return "run an ablation grid or a suite (cells already in the results store are skipped)";
    }

    /** Options that select the suite, shared with {@code cell} (a cluster task rebuilds the same suite from them). */
    static List<Opt> suiteOptions() {
        return List.of(
                Opt.value("grid", "G", "one grid, a file or a bundled name, at the scale of --scale")
                        .completing(() -> BundledResources.names(Grid.RESOURCE_DIR, ".yaml")),
                Opt.value("suite", "S", "every grid of a suite (a file or a bundled name)")
                        .completing(() -> BundledResources.names(Suite.RESOURCE_DIR, ".yaml")),
                Opt.value("scale", "SUITE", "the suite whose scale --grid runs at (default quick)")
                        .completing(() -> BundledResources.names(Suite.RESOURCE_DIR, ".yaml")),
                Opt.value("seeds", "0,1,...", "--grid: the seeds (default the grid's)"));
    }

    /** Where rows and run folders go, shared with {@code cell}. */
    static List<Opt> storeOptions() {
        return List.of(
                Opt.value("results", "FILE", "the results store (default results/results.jsonl)"),
                Opt.value("runs", "DIR", "run folders (default runs)"),
                Opt.value("data-root", "DIR", "data root (default $SSLBENCH_DATA, else ~/.cache/sslbench/data)"));
    }

    @Override
    public List<Opt> options() {
        List<Opt> o = new ArrayList<>(suiteOptions());
        o.addAll(storeOptions());
        o.addAll(List.of(
                Opt.flag("dry-run", "list the runs and which are already done, run nothing (with --launcher slurm: "
                        + "print the batch script instead of submitting it)"),
                Opt.flag("status", "cells done / running / queued / failed / to do (the results store, the launch "
                        + "records in RUNS/_launch, and SLURM's queue when its commands answer)"),
                Opt.value("launcher", "L", "inline (default: one cell after the other in this process), local "
                        + "(--parallel cells at once, each in a JVM of its own) or slurm (one job array, a task per "
                        + "cell; preempted tasks checkpoint and requeue themselves)")
                        .completing(() -> List.of("inline", "local", "slurm")),
                Opt.value("parallel", "N", "local: cells at once").ints(),
                Opt.value("devices", "0,1,...", "local: one device per slot, as CUDA_VISIBLE_DEVICES"),
                Opt.value("retries", "R", "local/slurm: attempts after a failure (default 1 / 2)").ints(),
                Opt.value("partition", "P", "slurm: partition"),
                Opt.value("gpus-per-task", "N", "slurm: GPUs per task").ints(),
                Opt.value("cpus-per-task", "N", "slurm: CPUs per task (default 2)").ints(),
                Opt.value("mem", "M", "slurm: memory per task, e.g. 16G"),
                Opt.value("time", "HH:MM:SS", "slurm: time limit per task"),
                Opt.value("array-parallelism", "K", "slurm: tasks of the array at once").ints(),
                Opt.value("signal-seconds", "S", "slurm: seconds before the time limit a task is told to checkpoint "
                        + "(default 120)").ints()));
        return o;
    }

    /** The suite the suite options name. */
    static Suite suite(Args a) {
        if (a.get("suite") != null) {
            return Suite.load(a.get("suite"));
        }
        if (a.get("grid") != null) {
            Suite scale = Suite.load(a.get("scale", "quick"));
            List<Long> seeds = a.get("seeds") == null ? List.of()
                    : Arrays.stream(a.get("seeds").split(",")).map(s -> Long.parseLong(s.trim())).toList();
            return new Suite(scale.name(), scale.overrides(), scale.perMethod(), scale.protocols(), scale.fineTuneEpochs(),
                    scale.linear(), List.of(new Suite.Entry(a.get("grid"), seeds)));
        }
        throw new Args.UsageException("give --grid or --suite");
    }

    /** The suite options as given, for a task's command line (file names made absolute). */
    static List<String> suiteArgs(Args a) {
        List<String> out = new ArrayList<>();
        for (String k : List.of("suite", "grid", "scale", "seeds")) {
            String v = a.get(k);
            if (v != null) {
                boolean file = (k.equals("suite") || k.equals("grid") || k.equals("scale")) && (v.endsWith(".yaml")
                        || v.endsWith(".yml")) && Files.exists(Path.of(v));
                out.add("--" + k);
                out.add(file ? Path.of(v).toAbsolutePath().normalize().toString() : v);
            }
        }
        return out;
    }

    static SuiteRunner runner(Args a, PrintStream out) {
        return new SuiteRunner(store(a), Path.of(a.get("runs", "runs")), a.get("data-root"),
                Path.of(System.getProperty("sslbench.repo", ".")), out);
    }

    static ResultsStore store(Args a) {
        return new ResultsStore(Path.of(a.get("results", "results/results.jsonl")));
    }

    @Override
    public int run(Args a, PrintStream out) {
        Suite suite = suite(a);
        SuiteRunner runner = runner(a, out);
        List<SuiteRunner.Job> all = SuiteRunner.plan(suite);
        String launcher = a.get("launcher", "inline");
        if (!List.of("inline", "local", "slurm").contains(launcher)) {
            throw new Args.UsageException("--launcher is inline, local or slurm, not '" + launcher + "'");
        }
        CellCommandLine cell = CellCommandLine.ofThisJvm(suiteArgs(a), store(a).file(), Path.of(a.get("runs", "runs")),
                a.get("data-root"));
        if (a.flag("status")) {
            return status(suite, all, runner, cell, out);
        }
        List<SuiteRunner.Job> todo = runner.pending(all);
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (todo.contains(all.get(i))) {
                indices.add(i);
            }
        }
        if (launcher.equals("slurm")) {
            return slurm(a, suite, indices, cell, out);
        }
        if (a.flag("dry-run")) {
            for (int i = 0; i < all.size(); i++) {
                SuiteRunner.Job j = all.get(i);
                out.printf("%3d %s %-10s %-9s %s seed %d %s%n", i, todo.contains(j) ? "TODO" : "done", j.grid(),
                        j.config().methodName(), j.cell().axesAsStrings(), j.config().seed(), RunIdentity.hash(j.config()));
            }
            return 0;
        }
        if (launcher.equals("local")) {
            int parallel = a.intValue("parallel", 1);
            List<String> devices = a.get("devices") == null ? List.of() : List.of(a.get("devices").split(","));
            out.printf(Locale.ROOT, "suite %s: %d cells, %d to run, %d at a time%n", suite.name(), all.size(),
                    indices.size(), parallel);
            List<Integer> failed = LocalLauncher.run(suite.name(), indices, parallel, devices, a.intValue("retries", 1),
                    cell, out);
            if (!failed.isEmpty()) {
                out.println("failed cells: " + failed + " (logs in " + cell.launchDir(suite.name()).resolve("logs") + ")");
                return 1;
            }
            return 0;
        }
        runner.run(suite);
        return 0;
    }

    private static int slurm(Args a, Suite suite, List<Integer> indices, CellCommandLine cell, PrintStream out) {
        SlurmLauncher.Options o = new SlurmLauncher.Options(a.get("partition"), a.intValue("gpus-per-task", 0),
                a.intValue("cpus-per-task", 2), a.get("mem"), a.get("time"), a.intValue("array-parallelism", 0),
                a.intValue("retries", 2), a.intValue("signal-seconds", 120));
        if (indices.isEmpty()) {
            out.println("suite " + suite.name() + ": every cell is in the results store; nothing to submit");
            return 0;
        }
        Path workDir = Path.of("").toAbsolutePath();
        if (a.flag("dry-run")) {
            out.print(SlurmLauncher.script(suite.name(), indices, o, cell, workDir));
            return 0;
        }
        String id = SlurmLauncher.submit(suite.name(), indices, o, cell, workDir);
        out.printf(Locale.ROOT, "submitted job array %s (%s): %d cells %s; logs in %s; progress: sslbench grid ... --status%n",
                id, SlurmLauncher.jobName(suite.name()), indices.size(), indices, cell.launchDir(suite.name()).resolve("logs"));
        return 0;
    }

    private static int status(Suite suite, List<SuiteRunner.Job> all, SuiteRunner runner, CellCommandLine cell,
                              PrintStream out) {
        List<SuiteRunner.Job> todo = runner.pending(all);
        Map<Integer, String> queue = Map.of();
        boolean slurm = SlurmLauncher.available();
        if (slurm) {
            queue = SlurmLauncher.queued(suite.name());
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : List.of("done", "running", "queued", "failed", "todo")) {
            counts.put(s, 0);
        }
        Path launch = cell.launchDir(suite.name());
        for (int i = 0; i < all.size(); i++) {
            SuiteRunner.Job j = all.get(i);
            String state;
            String detail = "";
            if (!todo.contains(j)) {
                state = "done";
            } else if (queue.containsKey(i)) {
                state = queue.get(i).equals("RUNNING") || queue.get(i).equals("COMPLETING") ? "running" : "queued";
                detail = " (" + queue.get(i) + ")";
            } else if (LaunchRecords.failure(launch, i) != null) {
                state = "failed";
                detail = " (" + LaunchRecords.failure(launch, i) + ")";
            } else {
                state = "todo";
            }
            counts.merge(state, 1, Integer::sum);
            out.printf(Locale.ROOT, "%3d %-7s %-10s %-9s %s seed %d%s%n", i, state, j.grid(), j.config().methodName(),
                    j.cell().axesAsStrings(), j.config().seed(), detail);
        }
        out.printf(Locale.ROOT, "suite %s: %d cells: %s%s%n", suite.name(), all.size(), counts,
                slurm ? "" : " (SLURM's queue not consulted: its commands do not answer here)");
        return 0;
    }
}
