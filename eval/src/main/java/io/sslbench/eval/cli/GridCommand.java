package io.sslbench.eval.cli;

import io.sslbench.core.results.ResultsStore;
import io.sslbench.eval.grid.Suite;
import io.sslbench.eval.grid.SuiteRunner;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code sslbench grid}: run a grid (or a whole suite) with resumable, cached cells. */
final class GridCommand implements Main.Command {
    @Override
    public String summary() {
        return "run an ablation grid or a suite (cells already in the results store are skipped)";
    }

    @Override
    public String usage() {
        return """
                usage: sslbench grid (--grid FILE|NAME | --suite quick|short|paper) [--scale SUITE] [--seeds 0,1,2]
                                     [--results FILE] [--runs DIR] [--data-root DIR] [--dry-run]
                  --grid G     one grid (bundled: methods, simsiam-ablation, moco-momentum, simclr-head,
                               simclr-temperature, swav-multicrop, swav-epsilon, byol-decay, simsiam-stopgrad,
                               bn-per-view, byol-bn, simclr-batch, moco-queue) at the scale of --scale
                               (default quick)
                  --suite S    every grid of a suite
                  --dry-run    list the runs and which are already done, run nothing""";
    }

    @Override
    public int run(String[] argv, PrintStream out) {
        Args a = Args.parse(argv, Set.of("dry-run"), Set.of("grid", "suite", "scale", "seeds", "results", "runs", "data-root"));
        Suite suite;
        if (a.get("suite") != null) {
            suite = Suite.load(a.get("suite"));
        } else if (a.get("grid") != null) {
            Suite scale = Suite.load(a.get("scale", "quick"));
            List<Long> seeds = a.get("seeds") == null ? List.of()
                    : java.util.Arrays.stream(a.get("seeds").split(",")).map(s -> Long.parseLong(s.trim())).toList();
            suite = new Suite(scale.name(), scale.overrides(), scale.perMethod(), scale.protocols(), scale.fineTuneEpochs(), scale.linear(),
                    List.of(new Suite.Entry(a.get("grid"), seeds)));
        } else {
            throw new Args.UsageException("give --grid or --suite");
        }
        ResultsStore store = new ResultsStore(Path.of(a.get("results", "results/results.jsonl")));
        SuiteRunner runner = new SuiteRunner(store, Path.of(a.get("runs", "runs")), a.get("data-root"),
                Path.of(System.getProperty("sslbench.repo", ".")), out);
        if (a.flag("dry-run")) {
            var all = SuiteRunner.plan(suite);
            var todo = runner.pending(all);
            for (var j : all) {
                out.printf("%s %-10s %-9s %s seed %d %s%n", todo.contains(j) ? "TODO" : "done", j.grid(),
                        j.config().methodName(), j.cell().axesAsStrings(), j.config().seed(), j.config().hash());
            }
            return 0;
        }
        runner.run(suite);
        return 0;
    }
}
