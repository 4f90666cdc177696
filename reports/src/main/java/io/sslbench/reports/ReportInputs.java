package io.sslbench.reports;

import io.sslbench.core.results.ResultRow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a report is made of.
 *
 * @param title        page title
 * @param rows         the results store's rows, in store order
 * @param curves       run id to its training curve (runs without a metrics file are simply absent)
 * @param deviations   method id to the ways our implementation deviates from the paper
 * @param embeddingDim d of the embeddings whose std is plotted, for the 1/sqrt(d) reference; > 0
 */
public record ReportInputs(String title, List<ResultRow> rows, Map<String, TrainingCurve> curves,
                           Map<String, List<String>> deviations, int embeddingDim) {
    /** Name of the per-run training log in each run folder. */
    public static final String METRICS_FILE = "metrics.jsonl";

    public ReportInputs {
        Objects.requireNonNull(title, "ReportInputs.title");
        rows = List.copyOf(rows);
        curves = Map.copyOf(curves);
        Map<String, List<String>> d = new LinkedHashMap<>();
        deviations.forEach((k, v) -> d.put(k, List.copyOf(v)));
        deviations = Map.copyOf(d);
        if (embeddingDim <= 0) {
            throw new IllegalArgumentException("ReportInputs.embeddingDim must be > 0, got " + embeddingDim);
        }
    }

    /**
     * Reads {@code runsRoot/<runId>/metrics.jsonl} for every run the rows mention; runs without the file
     * get no curve.
     */
    public static ReportInputs fromRunFolders(String title, List<ResultRow> rows, Path runsRoot,
                                              Map<String, List<String>> deviations, int embeddingDim) {
        Map<String, TrainingCurve> curves = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (curves.containsKey(r.runId())) {
                continue;
            }
            Path f = runsRoot.resolve(r.runId()).resolve(METRICS_FILE);
            if (Files.isRegularFile(f)) {
                curves.put(r.runId(), TrainingCurve.read(r.runId(), f));
            }
        }
        return new ReportInputs(title, rows, curves, deviations, embeddingDim);
    }
}
