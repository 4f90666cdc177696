package io.sslbench.reports;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.ConfigTree;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one paper lays out one ablation: the {@code report:} section of the ablation's grid file
 * ({@code sslbench/grids/<grid>.yaml}, next to its axes and gate), read by exact grid name ({@link #of(String)}).
 *
 * @param id          the grid's name
 * @param title       table title
 * @param caption     the paper's table/figure this mirrors and what the paper found (qualitatively)
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
public record AblationSpec(String id, String title, String caption, List<String> axes,
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

    public AblationSpec {
        Objects.requireNonNull(id, "AblationSpec.id");
        Objects.requireNonNull(title, "AblationSpec.title");
        Objects.requireNonNull(caption, "AblationSpec.caption");
        Objects.requireNonNull(chart, "AblationSpec.chart");
        axes = List.copyOf(axes);
        if (axes.isEmpty()) {
            throw new IllegalArgumentException("AblationSpec '" + id + "': axes must not be empty");
        }
        axisTitles = Map.copyOf(axisTitles);
        valueLabels = Map.copyOf(valueLabels);
        valueOrder = Map.copyOf(valueOrder);
    }

    /**
     * @return the layout in grid {@code grid}'s bundled file ({@code sslbench/grids/<grid>.yaml} on the class path, in
     *         the module of the method it ablates), if the grid is bundled and its file has a {@code report:} section
     */
    public static Optional<AblationSpec> of(String grid) {
        return ConfigTree.bundledSection(GRIDS, grid, "report")
                .map(report -> fromTree(grid, report, GRIDS + grid + ".yaml"));
    }

    /** Where grid files live on the class path (eval's {@code Grid.RESOURCE_DIR}; reports does not depend on eval). */
    static final String GRIDS = "sslbench/grids/";

    /** Keys of a grid file's {@code report:} section. */
    static final List<String> KEYS = List.of("title", "caption", "axes", "axisTitles", "valueLabels", "valueOrder",
            "horizontal", "showOutputStd", "chart", "reference");

    /**
     * @param grid   the grid's name
     * @param report its {@code report:} section
     * @param where  the file, named in errors
     */
    @SuppressWarnings("unchecked")
    static AblationSpec fromTree(String grid, Object report, String where) {
        if (!(report instanceof Map<?, ?> raw)) {
            throw new ConfigException(where + ": report", "must be a map, got " + report);
        }
        Map<String, Object> r = (Map<String, Object>) raw;
        Set<String> unknown = new TreeSet<>(r.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new ConfigException(where + ": report", "unknown keys " + unknown + " (allowed: " + KEYS + ")");
        }
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        map(r.get("valueLabels"), where).forEach((axis, m) -> labels.put(axis, strings(map(m, where))));
        Map<String, List<String>> order = new LinkedHashMap<>();
        map(r.get("valueOrder"), where).forEach((axis, l) -> order.put(axis, list(l, where)));
        String chart = String.valueOf(r.getOrDefault("chart", "bars"));
        Chart kind;
        try {
            kind = Chart.valueOf(chart.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": report.chart", "one of bars, line, heat-map, got " + chart);
        }
        return new AblationSpec(grid, text(r, "title", where), text(r, "caption", where), list(r.get("axes"), where),
                strings(map(r.get("axisTitles"), where)), labels, order, Boolean.TRUE.equals(r.get("horizontal")),
                Boolean.TRUE.equals(r.get("showOutputStd")), kind,
                r.get("reference") == null ? null : String.valueOf(r.get("reference")));
    }

    private static String text(Map<String, Object> r, String key, String where) {
        Object v = r.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            throw new ConfigException(where + ": report." + key, "missing");
        }
        return String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String where) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map<?, ?> m)) {
            throw new ConfigException(where + ": report", "expected a map, got " + node);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static Map<String, String> strings(Map<String, Object> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    private static List<String> list(Object node, String where) {
        if (!(node instanceof List<?> l)) {
            throw new ConfigException(where + ": report", "expected a list, got " + node);
        }
        return l.stream().map(String::valueOf).toList();
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
