package io.sslbench.reports;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How one paper lays out one ablation, and how to recognise the grid that runs it.
 *
 * <p>A grid is matched when its name equals {@code id}, or when every row's method is in {@code methods}
 * and the grid varies the spec's first (primary) axis. Among matching specs the one that covers the most
 * of the grid's axes wins; ties go to the earlier spec in {@link Ablations#SPECS}.
 *
 * @param id          spec id, also accepted as a grid name
 * @param title       table title
 * @param caption     the paper's table/figure this mirrors and what the paper found (qualitatively)
 * @param methods     method ids the spec applies to
 * @param axes        grid axis keys the spec lays out, primary first (at most two are laid out as a pivot)
 * @param axisTitles  axis key to column title, e.g. "method.momentum" to "momentum m"
 * @param valueLabels axis key to (raw value to label), e.g. "true" to "w/ stop-grad"
 * @param valueOrder  axis key to the preferred order of raw values (values not listed follow, sorted)
 * @param horizontal  lay a one-axis ablation out with the axis values as columns (MoCo's momentum table)
 * @param showOutputStd add the output-std column and the 1/sqrt(d) reference (SimSiam's collapse study)
 * @param chart       how the ablation is charted (see {@link Chart})
 * @param reference   a value of the primary axis the other rows are compared with: the vertical layout adds the
 *                    difference of the primary metric to the same method's row with this value (BYOL Fig. 3b's drop
 *                    from the full augmentation); null for none
 */
public record AblationSpec(String id, String title, String caption, Set<String> methods, List<String> axes,
                           Map<String, String> axisTitles, Map<String, Map<String, String>> valueLabels,
                           Map<String, List<String>> valueOrder, boolean horizontal, boolean showOutputStd,
                           Chart chart, String reference) {

    /** How an ablation is charted. */
    public enum Chart {
        /** bars: one bar group per row, a series per metric (or per pivot column) */
        BARS,
        /**
         * a one-axis ablation with numeric values as accuracy against the value, log2 x axis (the papers' line charts over
         * batch size or queue length); bars when the values are not numbers
         */
        LINE,
        /** a pivot as a heat map, rows by columns, the primary metric in each cell (SimCLR Fig. 5); bars without a pivot */
        HEAT_MAP
    }

    /** A spec without a reference row. */
    public AblationSpec(String id, String title, String caption, Set<String> methods, List<String> axes,
                        Map<String, String> axisTitles, Map<String, Map<String, String>> valueLabels,
                        Map<String, List<String>> valueOrder, boolean horizontal, boolean showOutputStd, Chart chart) {
        this(id, title, caption, methods, axes, axisTitles, valueLabels, valueOrder, horizontal, showOutputStd, chart, null);
    }

    /** A spec charted as bars. */
    public AblationSpec(String id, String title, String caption, Set<String> methods, List<String> axes,
                        Map<String, String> axisTitles, Map<String, Map<String, String>> valueLabels,
                        Map<String, List<String>> valueOrder, boolean horizontal, boolean showOutputStd) {
        this(id, title, caption, methods, axes, axisTitles, valueLabels, valueOrder, horizontal, showOutputStd, Chart.BARS);
    }

    public AblationSpec {
        Objects.requireNonNull(id, "AblationSpec.id");
        Objects.requireNonNull(title, "AblationSpec.title");
        Objects.requireNonNull(caption, "AblationSpec.caption");
        Objects.requireNonNull(chart, "AblationSpec.chart");
        methods = Set.copyOf(methods);
        axes = List.copyOf(axes);
        if (axes.isEmpty()) {
            throw new IllegalArgumentException("AblationSpec '" + id + "': axes must not be empty");
        }
        axisTitles = Map.copyOf(axisTitles);
        valueLabels = Map.copyOf(valueLabels);
        valueOrder = Map.copyOf(valueOrder);
    }

    /** @return the column title of an axis: the spec's title, or the key without its "method." prefix */
    public String axisTitle(String axis) {
        return axisTitles.getOrDefault(axis, axis.startsWith("method.") ? axis.substring("method.".length()) : axis);
    }

    /** @return the label of a raw axis value ("(not set)" for a run without the axis) */
    public String valueLabel(String axis, String value) {
        if (value.isEmpty()) {
            return "(not set)";
        }
        return valueLabels.getOrDefault(axis, Map.of()).getOrDefault(value, value);
    }
}
