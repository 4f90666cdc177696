package io.sslbench.reports;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The report's charts as pure functions of table data and training curves. Nothing here draws or writes
 * files (see {@link XCharts}, {@link ChartFiles}). Accuracies are plotted in percent.
 */
public final class Charts {
    private Charts() {}

    /** Most points a per-step line keeps (see {@link CurveStats#downsample}). */
    public static final int MAX_LINE_POINTS = 1000;

    /**
     * kNN top-1 against epoch, one series per group of runs (mean over the group's runs at each epoch,
     * error bars = sample std when some epoch has two runs or more).
     *
     * @param groups series name (e.g. method) to the runs averaged into it; empty groups are skipped
     */
    public static ChartSpec knnVsEpoch(Map<String, List<TrainingCurve>> groups) {
        List<ChartSpec.Series> series = new ArrayList<>();
        groups.forEach((name, runs) -> {
            List<CurveStats.Point> pts = CurveStats.aggregate(runs, TrainingCurve.EPOCH, TrainingCurve.KNN_TOP1);
            if (!pts.isEmpty()) {
                series.add(curveSeries(name, pts, 100, true, ChartSpec.Style.LINE_MARKERS));
            }
        });
        return new ChartSpec("knn-vs-epoch", "kNN top-1 during pretraining", "epoch", "kNN top-1 (%)",
                ChartSpec.Kind.XY, List.of(), series);
    }

    /**
     * Training loss against step, one series per group (mean over its runs, at most
     * {@link #MAX_LINE_POINTS} points).
     */
    public static ChartSpec lossVsStep(Map<String, List<TrainingCurve>> groups) {
        List<ChartSpec.Series> series = new ArrayList<>();
        groups.forEach((name, runs) -> {
            List<CurveStats.Point> pts = CurveStats.downsample(
                    CurveStats.aggregate(runs, TrainingCurve.STEP, TrainingCurve.LOSS), MAX_LINE_POINTS);
            if (!pts.isEmpty()) {
                series.add(curveSeries(name, pts, 1, false, ChartSpec.Style.LINE));
            }
        });
        return new ChartSpec("loss-vs-step", "Training loss", "step", "loss", ChartSpec.Kind.XY, List.of(), series);
    }

    /**
     * Std of the l2-normalised embeddings against step, one series per group, plus the healthy reference
     * {@code 1/sqrt(d)} as a dashed line over the plotted step range (a collapsed output has std near 0).
     *
     * @param id           chart id
     * @param title        chart title
     * @param groups       series name to runs
     * @param embeddingDim d > 0
     */
    public static ChartSpec collapseStdVsStep(String id, String title, Map<String, List<TrainingCurve>> groups,
                                              int embeddingDim) {
        if (embeddingDim <= 0) {
            throw new IllegalArgumentException("collapseStdVsStep: embeddingDim must be > 0, got " + embeddingDim);
        }
        List<ChartSpec.Series> series = new ArrayList<>();
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, List<TrainingCurve>> g : groups.entrySet()) {
            List<CurveStats.Point> pts = CurveStats.downsample(
                    CurveStats.aggregate(g.getValue(), TrainingCurve.STEP, TrainingCurve.COLLAPSE_STD), MAX_LINE_POINTS);
            if (!pts.isEmpty()) {
                series.add(curveSeries(g.getKey(), pts, 1, false, ChartSpec.Style.LINE));
                minX = Math.min(minX, pts.get(0).x());
                maxX = Math.max(maxX, pts.get(pts.size() - 1).x());
            }
        }
        if (series.isEmpty()) {
            minX = 0;
            maxX = 1;
        }
        double ref = 1 / Math.sqrt(embeddingDim);
        series.add(new ChartSpec.Series(referenceName(embeddingDim), List.of(minX, maxX), List.of(ref, ref), List.of(),
                ChartSpec.Style.REFERENCE));
        return new ChartSpec(id, title, "step", "std of l2-normalised output", ChartSpec.Kind.XY, List.of(), series);
    }

    /** @return the legend name of the 1/sqrt(d) line, e.g. "1/√d (d = 128) = 0.0884" */
    public static String referenceName(int d) {
        return "1/√d (d = " + d + ") = " + Fmt.fixed(1 / Math.sqrt(d), 4);
    }

    /**
     * Chart of an ablation table. A numeric one-axis table whose spec asks for a line chart: {@link #ablationLine}.
     * Otherwise bars: categories are the table's row labels; one-axis tables get one series per accuracy metric,
     * pivot tables one series per value of the pivot axis (primary metric). Error bars: sample std over seeds (0 for
     * a single seed).
     */
    public static ChartSpec ablationChart(AblationTable t) {
        if (t.spec().chart() == AblationSpec.Chart.HEAT_MAP && t.colAxis() != null) {
            return ablationHeatMap(t);
        }
        if (t.spec().chart() == AblationSpec.Chart.LINE && t.colAxis() == null && t.rowAxes().size() == 1 && numeric(t)) {
            return ablationLine(t);
        }
        List<String> categories = t.rowLabels();
        List<ChartSpec.Series> series = new ArrayList<>();
        if (t.colAxis() == null) {
            for (MainTable.Metric m : t.metricsPresent()) {
                List<MeanStd> values = t.rows().stream().map(r -> r.accuracy(m)).toList();
                series.add(barSeries(m.header, values));
            }
            return new ChartSpec(t.id(), t.spec().title(), String.join(", ", t.rowAxes().stream()
                    .map(t.spec()::axisTitle).toList()), "top-1 (%)", ChartSpec.Kind.BAR, categories, series);
        }
        MainTable.Metric m = t.primaryMetric();
        for (String v : t.colValues()) {
            List<MeanStd> values = new ArrayList<>();
            for (String label : categories) {
                values.add(t.rows().stream().filter(r -> r.label().equals(label)
                                && r.axes().getOrDefault(t.colAxis(), "").equals(v))
                        .findFirst().map(r -> r.accuracy(m)).orElse(MeanStd.EMPTY));
            }
            series.add(barSeries(t.spec().axisTitle(t.colAxis()) + " " + t.spec().valueLabel(t.colAxis(), v), values));
        }
        return new ChartSpec(t.id(), t.spec().title(), String.join(", ", t.rowAxes().stream()
                .map(t.spec()::axisTitle).toList()), m.header, ChartSpec.Kind.BAR, categories, series);
    }

    /**
     * A pivot table as a heat map: x = the pivot axis' values (columns), one series per row label (y), the primary metric
     * in percent in each cell (NaN where the grid has no such cell).
     */
    private static ChartSpec ablationHeatMap(AblationTable t) {
        MainTable.Metric m = t.primaryMetric();
        List<String> columns = t.colValues().stream().map(v -> t.spec().valueLabel(t.colAxis(), v)).toList();
        List<ChartSpec.Series> series = new ArrayList<>();
        for (String label : t.rowLabels()) {
            List<Double> y = new ArrayList<>();
            for (String v : t.colValues()) {
                y.add(t.rows().stream().filter(r -> r.label().equals(label)
                                && r.axes().getOrDefault(t.colAxis(), "").equals(v))
                        .findFirst().map(r -> r.accuracy(m).scaled(100).mean()).orElse(Double.NaN));
            }
            series.add(new ChartSpec.Series(label, List.of(), y, List.of(), ChartSpec.Style.BARS));
        }
        return new ChartSpec(t.id(), t.spec().title() + " (" + m.header + ")", t.spec().axisTitle(t.colAxis()),
                String.join(", ", t.rowAxes().stream().map(t.spec()::axisTitle).toList()), ChartSpec.Kind.HEAT_MAP,
                columns, series);
    }

    /** Whether every row's value of the table's one axis is a positive number. */
    private static boolean numeric(AblationTable t) {
        String axis = t.rowAxes().get(0);
        return !t.rows().isEmpty() && t.rows().stream().allMatch(r -> {
            try {
                return Double.parseDouble(r.axes().getOrDefault(axis, "")) > 0;
            } catch (NumberFormatException e) {
                return false;
            }
        });
    }

    /**
     * Accuracy against a one-axis ablation's numeric value (batch size, queue length): x = log2 of the value, one line
     * per accuracy metric through the rows in value order, error bars the sample std over seeds. Rows of several
     * methods (SimCLR and SimCLR v2 in one grid) get one line per method and metric.
     */
    private static ChartSpec ablationLine(AblationTable t) {
        String axis = t.rowAxes().get(0);
        List<AblationTable.AblationRow> rows = t.rows().stream()
                .sorted(Comparator.comparingDouble(r -> Double.parseDouble(r.axes().get(axis)))).toList();
        boolean severalMethods = rows.stream().map(AblationTable.AblationRow::method).distinct().count() > 1;
        List<ChartSpec.Series> series = new ArrayList<>();
        for (String method : rows.stream().map(AblationTable.AblationRow::method).distinct().toList()) {
            List<AblationTable.AblationRow> mine = rows.stream().filter(r -> r.method().equals(method)).toList();
            for (MainTable.Metric m : t.metricsPresent()) {
                List<Double> x = new ArrayList<>(), y = new ArrayList<>(), e = new ArrayList<>();
                for (AblationTable.AblationRow r : mine) {
                    MeanStd a = r.accuracy(m);
                    if (!a.isEmpty()) {
                        x.add(Math.log(Double.parseDouble(r.axes().get(axis))) / Math.log(2));
                        y.add(a.mean() * 100);
                        e.add(a.hasSpread() ? a.std() * 100 : 0.0);
                    }
                }
                if (!x.isEmpty()) {
                    series.add(new ChartSpec.Series(severalMethods ? method + " " + m.header : m.header, x, y, e,
                            ChartSpec.Style.LINE_MARKERS));
                }
            }
        }
        return new ChartSpec(t.id(), t.spec().title(), "log2 " + t.spec().axisTitle(axis), "top-1 (%)",
                ChartSpec.Kind.XY, List.of(), series);
    }

    private static ChartSpec.Series barSeries(String name, List<MeanStd> values) {
        List<Double> y = values.stream().map(s -> s.isEmpty() ? Double.NaN : s.mean() * 100).toList();
        List<Double> e = values.stream().map(s -> s.hasSpread() ? s.std() * 100 : 0.0).toList();
        return new ChartSpec.Series(name, List.of(), y, e, ChartSpec.Style.BARS);
    }

    /** The training-cost axis of {@link #accuracyVsCost}. */
    public enum Cost {
        IMG_PER_SEC("accuracy-vs-throughput", "pretraining throughput (img/s)"),
        WALL_MINUTES("accuracy-vs-wall-time", "pretraining wall time (min)");

        public final String id;
        public final String label;

        Cost(String id, String label) {
            this.id = id;
            this.label = label;
        }
    }

    /**
     * Accuracy against training cost, one point per main-table row (floor rows excluded), error bars on
     * accuracy. The accuracy is linear top-1 when every method row has it, else kNN top-1, so all points
     * share one metric; rows without that metric or without the cost are left out.
     */
    public static ChartSpec accuracyVsCost(MainTable t, Cost cost) {
        List<MainTable.Entry> rows = t.methods();
        MainTable.Metric m = !rows.isEmpty() && rows.stream().allMatch(e -> !e.accuracy(MainTable.Metric.LINEAR_TOP1).isEmpty())
                ? MainTable.Metric.LINEAR_TOP1 : MainTable.Metric.KNN_TOP1;
        boolean settingsDiffer = rows.stream().map(MainTable.Entry::setting).distinct().count() > 1;
        List<ChartSpec.Series> series = new ArrayList<>();
        for (MainTable.Entry e : rows) {
            MeanStd acc = e.accuracy(m);
            MeanStd c = cost == Cost.IMG_PER_SEC ? e.imgPerSec() : e.wallSeconds();
            if (acc.isEmpty() || c.isEmpty()) {
                continue;
            }
            double x = cost == Cost.IMG_PER_SEC ? c.mean() : c.mean() / 60.0;
            String name = settingsDiffer ? e.label() + " (" + e.setting() + ")" : e.label();
            series.add(new ChartSpec.Series(name, List.of(x), List.of(acc.mean() * 100),
                    List.of(acc.hasSpread() ? acc.std() * 100 : 0.0), ChartSpec.Style.MARKERS));
        }
        return new ChartSpec(cost.id, m.header.replace(" (%)", "") + " vs training cost", cost.label, m.header,
                ChartSpec.Kind.XY, List.of(), series);
    }

    private static ChartSpec.Series curveSeries(String name, Collection<CurveStats.Point> pts, double scale,
                                                boolean errorBars, ChartSpec.Style style) {
        List<Double> x = pts.stream().map(CurveStats.Point::x).toList();
        List<Double> y = pts.stream().map(p -> p.y().mean() * scale).toList();
        boolean anySpread = pts.stream().anyMatch(p -> p.y().hasSpread());
        List<Double> e = errorBars && anySpread
                ? pts.stream().map(p -> p.y().hasSpread() ? p.y().std() * scale : 0.0).toList() : List.of();
        return new ChartSpec.Series(name, x, y, e, style);
    }
}
