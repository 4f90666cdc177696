package io.sslbench.eval;

import io.sslbench.core.data.DataRoot;
import io.sslbench.core.results.ResultRow;
import io.sslbench.core.results.ResultsStore;
import io.sslbench.eval.grid.Baselines;
import io.sslbench.eval.grid.Suite;
import io.sslbench.eval.grid.SuiteRunner;
import io.sslbench.eval.run.Reporting;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The main job ({@code mvn -pl eval -am verify}): runs the suite named by {@code -Dsslbench.suite}
 * (default quick) on real CIFAR-10, renders the report into {@code eval/target/<suite>/report/}, and
 * fails the build on a regression against {@code eval/baselines/<suite>.json} or an unflagged collapse.
 * Interrupted runs resume: the results store and run folders under {@code eval/target/<suite>} are reused.
 */
class QuickSuiteIT {

    @Test
    void suiteMeetsItsBaselinesAndFlagsTheSimSiamCollapse() {
        String suiteName = System.getProperty("sslbench.suite", "quick");
        Path repo = Path.of(System.getProperty("sslbench.repo", "..")).toAbsolutePath().normalize();
        // Maven runs this JVM in eval/, but the README's command (SSLBENCH_DATA=../shared/datasets) is given at the
        // repository root: a relative SSLBENCH_DATA is taken relative to the root.
        String env = System.getenv(DataRoot.ENV);
        String explicit = env != null && !env.isBlank() && !Path.of(env).isAbsolute() ? repo.resolve(env).normalize().toString()
                : null;
        DataRoot root = DataRoot.resolve(explicit);
        if (!Files.isDirectory(root.path().resolve("cifar10-jpg")) && !Files.isDirectory(root.path().resolve("cifar-10-batches-bin"))) {
            System.out.println("CIFAR-10 not under " + root.path() + ": it will be downloaded (set SSLBENCH_DATA to a folder "
                    + "holding cifar10-jpg/ or cifar-10-batches-bin/ to use a local copy)");
        }
        Path out = Path.of("target", suiteName).toAbsolutePath();
        ResultsStore store = new ResultsStore(out.resolve("results.jsonl"));
        Suite suite = Suite.load(suiteName);
        SuiteRunner runner = new SuiteRunner(store, out.resolve("runs"), explicit, repo, System.out);
        runner.run(suite);
        // only rows computed by this build: the store may still hold rows of earlier code for the same configs
        List<ResultRow> rows = suite.rowsOf(runner.current(store.readAll()));

        var report = Reporting.write("sslbench — " + suiteName + " suite", rows, out.resolve("runs"), out);
        System.out.println("report: " + report.indexHtml());
        Baselines.measure(rows).forEach((m, e) -> System.out.printf(java.util.Locale.ROOT,
                "  %-10s kNN top-1 %.4f ± %.4f (n=%d)%n", m, e.mean(), e.std(), e.n()));

        Path baselineFile = repo.resolve("eval/baselines/" + suiteName + ".json");
        if (!Files.exists(baselineFile)) {
            fail("no baselines for suite " + suiteName + " at " + baselineFile + "; record them with: ./sslbench baseline update "
                    + "--suite " + suiteName + " --results " + store.file() + " --reason \"...\"");
        }
        Baselines.File baseline = Baselines.read(baselineFile);
        // the gate shows its power: the random-init rows of every method rejected as that method, the ablation orders
        Baselines.explain(baseline, rows).forEach(l -> System.out.println("  " + l));
        List<String> failures = Baselines.check(baseline, rows);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
