package io.sslbench.eval.cli;

import io.sslbench.core.results.Provenances;
import io.sslbench.core.util.BundledResources;
import io.sslbench.core.results.ResultsStore;
import io.sslbench.eval.grid.Baselines;
import io.sslbench.eval.grid.Suite;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code sslbench baseline}: the only way baselines change, with a recorded reason; or check against them. */
final class BaselineCommand implements Main.Command {
    @Override
    public String summary() {
        return "update (with --reason) or check a suite's regression baselines";
    }

    @Override
    public List<Opt> options() {
        return List.of(
                Opt.value("suite", "S", "the suite whose rows are recorded or checked")
                        .completing(() -> BundledResources.names(Suite.RESOURCE_DIR, ".yaml")),
                Opt.value("results", "FILE", "the results store"),
                Opt.value("reason", "WHY", "update: why the baselines change (kept in the file's history)"),
                Opt.value("file", "F", "baseline file (default eval/baselines/<suite>.json)"),
                Opt.value("seed-std", "X", "update: the suite's measured seed-to-seed std of a run's kNN top-1 "
                        + "(default: keep the file's)").doubles());
    }

    @Override
    public Opt.Positional positional() {
        return new Opt.Positional("update|check", "update: record new baselines; check: run the regression gate",
                () -> List.of("update", "check"));
    }

    @Override
    public int run(Args a, PrintStream out) {
        if (a.positional.isEmpty() || a.get("suite") == null || a.get("results") == null) {
            throw new Args.UsageException("give update|check, --suite and --results");
        }
        String suite = a.get("suite");
        Path file = Path.of(a.get("file", "eval/baselines/" + suite + ".json"));
        var rows = Suite.load(suite).rowsOf(new ResultsStore(Path.of(a.get("results"))).readAll());
        switch (a.positional.get(0)) {
            case "update" -> {
                String commit = Provenances.create("-", 0, "-", "-", Path.of(System.getProperty("sslbench.repo", ".")))
                        .gitCommit();
                double seedStd = a.get("seed-std") == null ? Double.NaN : Double.parseDouble(a.get("seed-std"));
                var f = Baselines.update(file, suite, rows, a.get("reason"), commit, seedStd);
                out.println("recorded " + f.methods().size() + " baselines in " + file + ": " + f.methods());
                return 0;
            }
            case "check" -> {
                var baseline = Baselines.read(file);
                Baselines.explain(baseline, rows).forEach(out::println);
                var failures = Baselines.check(baseline, rows);
                failures.forEach(out::println);
                out.println(failures.isEmpty() ? "no regression" : failures.size() + " failure(s)");
                return failures.isEmpty() ? 0 : 1;
            }
            default -> throw new Args.UsageException("unknown action " + a.positional.get(0));
        }
    }
}
