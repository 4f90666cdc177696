package io.sslbench.eval.cli;

import io.sslbench.core.engine.RunIdentity;
import io.sslbench.core.results.ResultsStore;
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
import java.util.Set;

/** {@code sslbench grid}: run a grid (or a whole suite) with resumable, cached cells, here or on a SLURM cluster. */
final class GridCommand implements Main.Command {
    /** Options that select the suite, shared with {@code cell} (a cluster task rebuilds the same suite from them). */
    static final Set<String> SUITE_OPTIONS = Set.of("grid", "suite", "scale", "seeds");
    private static final Set<String> FLAGS = Set.of("dry-run", "status");
    private static final Set<String> VALUED = Set.of("grid", "suite", "scale", "seeds", "results", "runs", "data-root",
            "launcher", "parallel", "devices", "retries", "partition", "gpus-per-task", "cpus-per-task", "mem", "time",
            "array-parallelism", "signal-seconds");

    @Override
    public String summary() {
        return "run an ablation grid or a suite (cells already in the results store are skipped)";
    }

    @Override
    public String usage() {
        return """
                usage: sslbench grid (--grid FILE|NAME | --suite quick|short|paper) [--scale SUITE] [--seeds 0,1,2]
                                     [--results FILE] [--runs DIR] [--data-root DIR] [--dry-run | --status]
                                     [--launcher inline|local|slurm] [launcher options]
                  --grid G     one grid (bundled: methods, simsiam-ablation, moco-momentum, simclr-head,
                               simclr-temperature, swav-multicrop, swav-epsilon, byol-decay, simsiam-stopgrad,
                               bn-per-view, byol-bn, simclr-batch, moco-queue, simclr-augment, augment-reduction,
                               moco-shufflebn, simclr-global-bn) at the scale of --scale (default quick)
                  --suite S    every grid of a suite
                  --dry-run    list the runs and which are already done, run nothing (with --launcher slurm: print
                               the batch script instead of submitting it)
                  --status     cells done / running / queued / failed / to do (the results store, the launch
                               records in RUNS/_launch, and SLURM's queue when its commands answer)
                launchers (the cells not yet in the results store):
                  inline (default)  one after the other in this process
                  local             --parallel N cells at once, each in a JVM of its own [--devices 0,1,...: one
                                    device per slot, as CUDA_VISIBLE_DEVICES] [--retries R (default 1)]
                  slurm             one SLURM job array, a task per cell (sbatch --array), preempted tasks
                                    checkpoint and requeue themselves: [--partition P] [--gpus-per-task N]
                                    [--cpus-per-task N (default 2)] [--mem M] [--time HH:MM:SS]
                                    [--array-parallelism K] [--retries R (default 2)] [--signal-seconds S (120)]""";
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
    public int run(String[] argv, PrintStream out) {
        Args a = Args.parse(argv, FLAGS, VALUED);
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
