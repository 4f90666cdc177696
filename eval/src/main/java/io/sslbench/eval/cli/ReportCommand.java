package io.sslbench.eval.cli;

import io.sslbench.core.results.ResultsStore;
import io.sslbench.eval.run.Reporting;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code sslbench report}: tables, charts and the self-contained HTML report from the results store. */
final class ReportCommand implements Main.Command {
    @Override
    public String summary() {
        return "render paper-style tables and charts (report/index.html, report.md, CSV, LaTeX, PNG, SVG)";
    }

    @Override
    public List<Opt> options() {
        return List.of(
                Opt.value("results", "FILE", "results store (default results/results.jsonl)"),
                Opt.value("runs", "DIR", "run folders, for the training curves (default runs)"),
                Opt.value("out", "DIR", "output folder (default report-out); the page is DIR/report/index.html"),
                Opt.value("title", "T", "the report's title (default 'sslbench results')"));
    }

    @Override
    public int run(Args a, PrintStream out) {
        ResultsStore store = new ResultsStore(Path.of(a.get("results", "results/results.jsonl")));
        var rows = store.readAll();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("results store " + store.file() + " is empty: run sslbench grid or eval first");
        }
        var o = Reporting.write(a.get("title", "sslbench results"), rows, Path.of(a.get("runs", "runs")),
                Path.of(a.get("out", "report-out")));
        out.println("wrote " + o.indexHtml() + " and " + o.markdown());
        return 0;
    }
}
