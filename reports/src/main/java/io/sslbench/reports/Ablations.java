package io.sslbench.reports;

import io.sslbench.core.engine.MethodCards;
import io.sslbench.core.results.ResultRow;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.sslbench.reports.ResultsFrame.*;

/**
 * Ablation tables in the papers' shapes, one per grid of the results store. Each grid's layout is the
 * {@code report:} section of its own file ({@link AblationSpec#of}, by exact grid name); a grid without one still
 * gets a plain table over its axes.
 */
public final class Ablations {
    private Ablations() {}


    /**
     * @param rows all rows of the results store; rows outside grids are ignored
     * @return one table per grid that varies at least one axis, grids sorted by name
     */
    public static List<AblationTable> build(List<ResultRow> rows) {
        Map<String, List<ResultRow>> byGrid = new TreeMap<>();
        for (ResultRow r : ResultsFrame.dedupe(rows)) {
            if (!MainTable.MAIN_GRIDS.contains(r.grid())) {
                byGrid.computeIfAbsent(r.grid(), g -> new ArrayList<>()).add(r);
            }
        }
        List<AblationTable> out = new ArrayList<>();
        byGrid.forEach((grid, gridRows) -> buildOne(grid, gridRows).ifPresent(out::add));
        return out;
    }

    private static Optional<AblationTable> buildOne(String grid, List<ResultRow> gridRows) {
        Set<String> axes = new TreeSet<>();
        Set<String> methods = new TreeSet<>(MethodCards.ORDER);
        gridRows.forEach(r -> {
            axes.addAll(r.axes().keySet());
            methods.add(r.method());
        });
        if (axes.isEmpty()) {
            return Optional.empty();
        }
        AblationSpec chosen = AblationSpec.of(grid).orElseGet(() -> generic(grid, axes));
        if (chosen.axes().stream().noneMatch(axes::contains)) {
            chosen = generic(grid, axes);
        }
        final AblationSpec spec = chosen;
        List<String> laidOut = spec.axes().stream().filter(axes::contains).toList();
        String colAxis = laidOut.size() >= 2 ? laidOut.get(1) : null;
        List<String> rowAxes = new ArrayList<>();
        rowAxes.add(laidOut.get(0));
        laidOut.stream().skip(2).forEach(rowAxes::add);
        axes.stream().filter(a -> !laidOut.contains(a)).forEach(rowAxes::add);
        boolean byMethod = methods.size() > 1;

        Table t = ResultsFrame.of(gridRows);
        List<String> keyCols = new ArrayList<>();
        if (byMethod) {
            keyCols.add(METHOD);
        }
        rowAxes.forEach(a -> keyCols.add(AXIS_PREFIX + a));
        if (colAxis != null) {
            keyCols.add(AXIS_PREFIX + colAxis);
        }
        String[] key = keyCols.toArray(String[]::new);

        Map<MainTable.Metric, Map<List<String>, MeanStd>> acc = new EnumMap<>(MainTable.Metric.class);
        for (MainTable.Metric m : MainTable.Metric.values()) {
            Table p = t.where(t.stringColumn(PROTOCOL).isEqualTo(m.protocol));
            acc.put(m, p.isEmpty() ? Map.of() : ResultsFrame.meanStdBy(p, m.metric, key));
        }
        Table runs = ResultsFrame.runs(t);
        Map<List<String>, MeanStd> outStd = ResultsFrame.meanStdBy(runs, COLLAPSE_STD, key);
        Map<List<String>, MeanStd> pretext = ResultsFrame.meanStdBy(runs, PRETEXT_TOP1, key);
        Map<List<String>, Double> seeds = ResultsFrame.aggregateBy(runs, SEED,
                tech.tablesaw.aggregate.AggregateFunctions.countUnique, key);
        Map<List<String>, Double> collapsed = ResultsFrame.aggregateBy(runs, COLLAPSED,
                tech.tablesaw.aggregate.AggregateFunctions.countTrue, key);
        Map<List<String>, Double> dims = ResultsFrame.aggregateBy(runs, EMBEDDING_DIM,
                tech.tablesaw.aggregate.AggregateFunctions.max, key);
        Map<List<String>, List<String>> runIds = ResultsFrame.runIdsBy(runs, key);

        Map<String, Map<String, Integer>> rank = new HashMap<>();
        for (String a : axes) {
            Set<String> values = new LinkedHashSet<>();
            gridRows.forEach(r -> values.add(r.axes().getOrDefault(a, "")));
            List<String> ordered = orderValues(spec, a, values);
            Map<String, Integer> rk = new HashMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                rk.put(ordered.get(i), i);
            }
            rank.put(a, rk);
        }
        final AblationSpec s = spec;
        List<AblationTable.AblationRow> tableRows = new ArrayList<>();
        for (Map.Entry<List<String>, List<String>> e : runIds.entrySet()) {
            List<String> k = e.getKey();
            Map<String, String> axisValues = new LinkedHashMap<>();
            int off = byMethod ? 1 : 0;
            for (int i = 0; i < rowAxes.size(); i++) {
                axisValues.put(rowAxes.get(i), k.get(off + i));
            }
            if (colAxis != null) {
                axisValues.put(colAxis, k.get(k.size() - 1));
            }
            List<String> parts = new ArrayList<>();
            if (byMethod) {
                parts.add(MethodCards.displayName(k.get(0)));
            }
            for (int i = 0; i < rowAxes.size(); i++) {
                String a = rowAxes.get(i);
                String label = s.valueLabel(a, axisValues.get(a));
                parts.add(i == 0 && !byMethod ? label : s.axisTitle(a) + " " + label);
            }
            Map<MainTable.Metric, MeanStd> a = new EnumMap<>(MainTable.Metric.class);
            for (MainTable.Metric m : MainTable.Metric.values()) {
                MeanStd v = acc.get(m).get(k);
                if (v != null) {
                    a.put(m, v);
                }
            }
            String method = byMethod ? k.get(0) : methods.iterator().next();
            tableRows.add(new AblationTable.AblationRow(method, axisValues, String.join(", ", parts), e.getValue(),
                    seeds.get(k).intValue(), a, outStd.getOrDefault(k, MeanStd.EMPTY), collapsed.get(k).intValue(),
                    dims.get(k).intValue(), pretext.getOrDefault(k, MeanStd.EMPTY)));
        }
        Comparator<AblationTable.AblationRow> order = Comparator.comparing(AblationTable.AblationRow::method,
                MethodCards.ORDER);
        for (String a : rowAxes) {
            order = order.thenComparingInt(r -> rank.get(a).get(r.axes().get(a)));
        }
        if (colAxis != null) {
            order = order.thenComparingInt(r -> rank.get(colAxis).get(r.axes().get(colAxis)));
        }
        tableRows.sort(order);
        List<String> colValues = colAxis == null ? List.of()
                : rank.get(colAxis).entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
        return Optional.of(new AblationTable(spec, grid, List.copyOf(methods), rowAxes, colAxis, tableRows, colValues));
    }

    /** A layout for a grid no paper spec matches: rows over all its axes, the first two as a pivot. */
    static AblationSpec generic(String grid, Set<String> axes) {
        return new AblationSpec("grid", "Ablation grid '" + grid + "'",
                "No paper layout for this grid (its file has no report section, or it is not bundled): one row per "
                        + "combination of its axes (" + String.join(", ", axes) + ").",
                List.copyOf(axes), Map.of(), Map.of(), Map.of(), false, true, AblationSpec.Chart.BARS, null);
    }

    /**
     * Display order of an axis' values: numeric when every value is a number, else the spec's preferred
     * order, else "true" before "false", else alphabetical; the empty value ("not set") last.
     */
    static List<String> orderValues(AblationSpec spec, String axis, Collection<String> values) {
        List<String> present = values.stream().filter(v -> !v.isEmpty()).distinct().toList();
        List<String> sorted;
        if (!present.isEmpty() && present.stream().allMatch(Ablations::isNumber)) {
            sorted = present.stream().sorted(Comparator.comparingDouble(Double::parseDouble)).toList();
        } else {
            List<String> pref = spec.valueOrder().getOrDefault(axis, List.of("true", "false"));
            sorted = present.stream().sorted(Comparator
                    .comparingInt((String v) -> pref.contains(v) ? pref.indexOf(v) : pref.size())
                    .thenComparing(Comparator.naturalOrder())).toList();
        }
        List<String> out = new ArrayList<>(sorted);
        if (values.contains("")) {
            out.add("");
        }
        return out;
    }

    private static boolean isNumber(String s) {
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
