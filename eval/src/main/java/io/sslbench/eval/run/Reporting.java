package io.sslbench.eval.run;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.results.ResultRow;
import io.sslbench.reports.Report;
import io.sslbench.reports.ReportInputs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders the report of a results store (tables, charts, provenance, deviations). */
public final class Reporting {
    private Reporting() {}

    /** @return every registered method's deviations from its paper, from its bundled CIFAR-10 config */
    public static Map<String, List<String>> deviations() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String id : MethodProvider.available()) {
            RunConfig cfg = RunConfig.from(ConfigTree.load(id + "-cifar10"));
            out.put(id, MethodProvider.forConfig(cfg).deviations());
        }
        return out;
    }

    /** Writes {@code outDir/report/index.html}, {@code report.md} and the table/chart files. */
    public static Report.Output write(String title, List<ResultRow> rows, Path runsDir, Path outDir) {
        int d = rows.stream().filter(r -> "simsiam".equals(r.method())).mapToInt(ResultRow::embeddingDim)
                .filter(x -> x > 0).findFirst()
                .orElse(rows.stream().mapToInt(ResultRow::embeddingDim).filter(x -> x > 0).findFirst().orElse(128));
        return Report.write(outDir, ReportInputs.fromRunFolders(title, rows, runsDir, deviations(), d));
    }
}
