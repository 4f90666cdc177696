package io.sslbench.reports;

import io.sslbench.core.engine.MethodCards;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data of one ablation table (numbers as fractions / raw values), and its rendering in the paper's shape.
 *
 * @param spec      the layout
 * @param grid      grid name the rows came from
 * @param methods   method ids in the grid
 * @param rowAxes   axes whose values form the rows (the spec's primary axis, then any axis the spec does not lay out)
 * @param colAxis   the pivot axis (the spec's second axis) or null for a one-axis table
 * @param rows      one entry per combination of axis values present, in display order
 * @param colValues raw values of {@code colAxis} in display order (empty without a pivot)
 */
public record AblationTable(AblationSpec spec, String grid, List<String> methods, List<String> rowAxes, String colAxis,
                            List<AblationRow> rows, List<String> colValues) {
    public AblationTable {
        methods = List.copyOf(methods);
        rowAxes = List.copyOf(rowAxes);
        rows = List.copyOf(rows);
        colValues = List.copyOf(colValues);
    }

    /**
     * One combination of axis values.
     *
     * @param method        method id of the row's runs
     * @param axes          axis key to raw value for every axis of the grid
     * @param label         the row label (row axes' value labels joined)
     * @param runIds        runs averaged
     * @param seeds         distinct seeds among them
     * @param accuracy      per main-table metric, mean ± std of the fraction
     * @param outputStd     std of the l2-normalised embeddings at the end of pretraining
     * @param collapsedRuns runs judged collapsed
     * @param embeddingDim  d of the embeddings
     * @param pretextTop1   the contrastive pretext task's top-1 over the last pretraining epoch (a fraction; empty for
     *                      methods without one): BN that leaks the positive shows up as a high pretext accuracy
     */
    public record AblationRow(String method, Map<String, String> axes, String label, List<String> runIds, int seeds,
                              Map<MainTable.Metric, MeanStd> accuracy, MeanStd outputStd, int collapsedRuns,
                              int embeddingDim, MeanStd pretextTop1) {
        public AblationRow {
            axes = Map.copyOf(axes);
            runIds = List.copyOf(runIds);
            accuracy = Map.copyOf(accuracy);
        }

        public MeanStd accuracy(MainTable.Metric m) {
            return accuracy.getOrDefault(m, MeanStd.EMPTY);
        }
    }

    /** @return a stable id for files and anchors: "ablation-" + the grid name as a slug (grid names are unique) */
    public String id() {
        return "ablation-" + Escape.slug(grid);
    }

    /** @return the metrics at least one row has, in main-table order */
    public List<MainTable.Metric> metricsPresent() {
        return Arrays.stream(MainTable.Metric.values())
                .filter(m -> rows.stream().anyMatch(r -> !r.accuracy(m).isEmpty())).toList();
    }

    /** @return whether any row has a pretext accuracy (then the vertical and horizontal layouts show it) */
    public boolean hasPretext() {
        return rows.stream().anyMatch(r -> !r.pretextTop1().isEmpty());
    }

    /** Header of the pretext-accuracy column. */
    static final String PRETEXT_HEADER = "Pretext top-1 (%)";

    /** @return the metric a pivot shows: linear top-1 when present, else the L-BFGS probe's, else kNN top-1, else the first present */
    public MainTable.Metric primaryMetric() {
        List<MainTable.Metric> present = metricsPresent();
        for (MainTable.Metric m : List.of(MainTable.Metric.LINEAR_TOP1, MainTable.Metric.LINEAR_LBFGS_TOP1)) {
            if (present.contains(m)) {
                return m;
            }
        }
        if (present.contains(MainTable.Metric.KNN_TOP1) || present.isEmpty()) {
            return MainTable.Metric.KNN_TOP1;
        }
        return present.get(0);
    }

    /** @return run id to the label of its row (the series name a curve of that run belongs to) */
    public Map<String, String> runLabels() {
        Map<String, String> out = new LinkedHashMap<>();
        for (AblationRow r : rows) {
            String label = colAxis == null ? r.label() : r.label() + ", " + spec.axisTitle(colAxis) + " "
                    + spec.valueLabel(colAxis, r.axes().getOrDefault(colAxis, ""));
            r.runIds().forEach(id -> out.put(id, label));
        }
        return out;
    }

    /** @return the row labels in display order, without duplicates (pivot tables repeat them per column value) */
    public List<String> rowLabels() {
        return rows.stream().map(AblationRow::label).distinct().toList();
    }

    /** Renders the table: vertical, horizontal (axis values as columns) or pivot, as the spec says. */
    public ReportTable toReportTable() {
        String title = spec.title() + (grid.isEmpty() || grid.equals(spec.id()) ? "" : " (grid " + grid + ")");
        List<String> notes = new ArrayList<>();
        notes.add("Mean ± sample std over seeds (one seed: no ±); accuracies in percent. Methods: "
                + String.join(", ", methods.stream().map(MethodCards::displayName).toList()) + ".");
        if (colAxis != null) {
            return pivot(title, notes);
        }
        return spec.horizontal() ? horizontal(title, notes) : vertical(title, notes);
    }

    private String rowHeader() {
        return String.join(", ", rowAxes.stream().map(spec::axisTitle).toList());
    }

    /** @return d of this ablation's embeddings (the largest over its rows; 0 when none is recorded) */
    public int embeddingDim() {
        return rows.stream().mapToInt(AblationRow::embeddingDim).max().orElse(0);
    }

    private String outputStdHeader() {
        int d = embeddingDim();
        return d > 0 ? "Output std (1/√d = " + Fmt.fixed(1 / Math.sqrt(d), 4) + ")" : "Output std";
    }

    private ReportTable vertical(String title, List<String> notes) {
        List<MainTable.Metric> metrics = metricsPresent();
        List<String> header = new ArrayList<>(List.of(rowHeader(), "Seeds"));
        metrics.forEach(m -> header.add(m.header));
        MainTable.Metric primary = primaryMetric();
        String axis = rowAxes.get(0);
        boolean delta = spec.reference() != null && rows.stream().anyMatch(r -> spec.reference().equals(r.axes().get(axis)));
        if (delta) {
            header.add("Δ " + primary.header.replace(" (%)", "") + " vs " + spec.valueLabel(axis, spec.reference())
                    + " (points)");
        }
        if (hasPretext()) {
            header.add(PRETEXT_HEADER);
        }
        if (spec.showOutputStd()) {
            header.add(outputStdHeader());
        }
        header.add("Collapsed");
        List<List<Cell>> out = new ArrayList<>();
        for (AblationRow r : rows) {
            List<Cell> row = new ArrayList<>(List.of(Cell.text(r.label()), Cell.text(Integer.toString(r.seeds()))));
            metrics.forEach(m -> row.add(Cell.stat(r.accuracy(m).scaled(100), 1)));
            if (delta) {
                row.add(deltaToReference(r, primary, axis));
            }
            if (hasPretext()) {
                row.add(Cell.stat(r.pretextTop1().scaled(100), 1));
            }
            if (spec.showOutputStd()) {
                row.add(Cell.stat(r.outputStd(), 4));
            }
            row.add(Cell.text(collapsedText(r)));
            out.add(row);
        }
        return new ReportTable(id(), title, spec.caption(), header, out, notes);
    }

    /** The row's primary metric minus that of the same method's reference row with the same other axis values. */
    private Cell deltaToReference(AblationRow r, MainTable.Metric m, String axis) {
        Map<String, String> want = new LinkedHashMap<>(r.axes());
        want.put(axis, spec.reference());
        return rows.stream().filter(o -> o.method().equals(r.method()) && o.axes().equals(want)).findFirst()
                .filter(o -> !o.accuracy(m).isEmpty() && !r.accuracy(m).isEmpty())
                .map(o -> Cell.text(String.format(Locale.ROOT, "%+.1f",
                        100 * (r.accuracy(m).mean() - o.accuracy(m).mean()))))
                .orElse(Cell.MISSING);
    }

    private ReportTable horizontal(String title, List<String> notes) {
        List<String> header = new ArrayList<>(List.of(rowHeader()));
        rows.forEach(r -> header.add(r.label()));
        List<List<Cell>> out = new ArrayList<>();
        for (MainTable.Metric m : metricsPresent()) {
            List<Cell> row = new ArrayList<>(List.of(Cell.text(m.header)));
            rows.forEach(r -> row.add(Cell.stat(r.accuracy(m).scaled(100), 1)));
            out.add(row);
        }
        if (hasPretext()) {
            List<Cell> row = new ArrayList<>(List.of(Cell.text(PRETEXT_HEADER)));
            rows.forEach(r -> row.add(Cell.stat(r.pretextTop1().scaled(100), 1)));
            out.add(row);
        }
        if (spec.showOutputStd()) {
            List<Cell> row = new ArrayList<>(List.of(Cell.text(outputStdHeader())));
            rows.forEach(r -> row.add(Cell.stat(r.outputStd(), 4)));
            out.add(row);
        }
        List<Cell> seeds = new ArrayList<>(List.of(Cell.text("Seeds")));
        rows.forEach(r -> seeds.add(Cell.text(Integer.toString(r.seeds()))));
        out.add(seeds);
        List<Cell> collapsed = new ArrayList<>(List.of(Cell.text("Collapsed")));
        rows.forEach(r -> collapsed.add(Cell.text(collapsedText(r))));
        out.add(collapsed);
        return new ReportTable(id(), title, spec.caption(), header, out, notes);
    }

    private ReportTable pivot(String title, List<String> notes) {
        MainTable.Metric m = primaryMetric();
        List<String> header = new ArrayList<>(List.of(rowHeader() + " / " + spec.axisTitle(colAxis)));
        colValues.forEach(v -> header.add(spec.valueLabel(colAxis, v)));
        List<List<Cell>> out = new ArrayList<>();
        for (String label : rowLabels()) {
            List<Cell> row = new ArrayList<>(List.of(Cell.text(label)));
            for (String v : colValues) {
                row.add(rows.stream().filter(r -> r.label().equals(label) && r.axes().getOrDefault(colAxis, "").equals(v))
                        .findFirst().map(r -> Cell.stat(r.accuracy(m).scaled(100), 1)).orElse(Cell.MISSING));
            }
            out.add(row);
        }
        notes.add("Cells: " + m.header + ".");
        return new ReportTable(id(), title, spec.caption(), header, out, notes);
    }

    private static String collapsedText(AblationRow r) {
        int n = r.runIds().size();
        return r.collapsedRuns() == 0 ? "no" : r.collapsedRuns() == n ? "yes" : r.collapsedRuns() + " of " + n;
    }
}
