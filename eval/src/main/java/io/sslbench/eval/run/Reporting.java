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
import java.util.TreeMap;
import java.util.Comparator;
import java.util.stream.Collectors;

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
        // the training-curve chart's one 1/sqrt(d) line: the embedding width most rows have (ties: the smallest)
        Map<Integer, Long> counts = rows.stream().map(ResultRow::embeddingDim).filter(x -> x > 0)
                .collect(Collectors.groupingBy(x -> x, TreeMap::new, Collectors.counting()));
        int d = counts.entrySet().stream().max(Map.Entry.<Integer, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).map(Map.Entry::getKey).orElse(128);
        return Report.write(outDir, ReportInputs.fromRunFolders(title, rows, runsDir, deviations(), d));
    }
}
