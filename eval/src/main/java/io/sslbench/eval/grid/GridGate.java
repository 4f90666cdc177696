package io.sslbench.eval.grid;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.results.ResultRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the regression gate asserts about one ablation grid, written in the grid's own file next to its axes:
 * <pre>
 * gate:
 *   method: simsiam
 *   collapse:                          # the run verdicts must flag these cells, and must not flag the healthy ones
 *     collapsed: {method.stopGradient: false}
 *     healthy: {method.stopGradient: true}
 *     except: {method.predictor: false}   # cells outside the collapse gate (optional)
 *     says: [without stop-gradient, with stop-gradient]
 *   direction:                         # kNN means over seeds must fall strictly in this order along the axis
 *     axis: method.stopGradient
 *     bestFirst: [true, false]
 *     source: SimSiam Fig. 2
 * </pre>
 * A condition maps axis keys to a value ({@code 0}, {@code false}, {@code mlp}: equal, numerically where both parse as
 * numbers) or a bound ({@code ">= 0.3"}, {@code "<= 0.05"}); a cell matches when it has every key and every value
 * matches. The gate covers the rows whose grid is this grid.
 *
 * @param grid      the grid's name
 * @param collapse  the collapse expectation, if the grid has one
 * @param direction the ordering, if the grid asserts one
 */
public record GridGate(String grid, Optional<Baselines.CollapseGate> collapse, Optional<Baselines.DirectionGate> direction) {

    /** @return the gate section of grid {@code name}'s bundled file, if it has one (and if the grid is bundled) */
    public static Optional<GridGate> of(String name) {
        return ConfigTree.bundledSection(Grid.RESOURCE_DIR, name, "gate").flatMap(gate -> parse(name, gate));
    }

    /** @return the gates of every bundled grid among {@code rows}' grids, in the rows' order */
    public static List<GridGate> forRows(List<ResultRow> rows) {
        Set<String> grids = new LinkedHashSet<>();
        rows.forEach(r -> grids.add(r.grid()));
        List<GridGate> out = new ArrayList<>();
        grids.forEach(g -> of(g).ifPresent(out::add));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Optional<GridGate> parse(String grid, Object node) {
        if (node == null) {
            return Optional.empty();
        }
        String where = "grid " + grid + ": gate";
        Map<String, Object> g = map(node, where);
        keys(g, where, "method", "collapse", "direction");
        String method = text(g.get("method"), where + ".method");
        Optional<Baselines.CollapseGate> collapse = Optional.empty();
        if (g.get("collapse") != null) {
            Map<String, Object> c = map(g.get("collapse"), where + ".collapse");
            keys(c, where + ".collapse", "collapsed", "healthy", "except", "says");
            List<String> says = c.get("says") instanceof List<?> l && l.size() == 2
                    ? List.of(String.valueOf(l.get(0)), String.valueOf(l.get(1)))
                    : List.of("(collapsing cell)", "(healthy cell)");
            collapse = Optional.of(new Baselines.CollapseGate(method, grid,
                    condition(c.get("collapsed"), where + ".collapse.collapsed"),
                    condition(c.get("healthy"), where + ".collapse.healthy"),
                    c.get("except") == null ? Map.of() : condition(c.get("except"), where + ".collapse.except"),
                    says.get(0), says.get(1)));
        }
        Optional<Baselines.DirectionGate> direction = Optional.empty();
        if (g.get("direction") != null) {
            Map<String, Object> d = map(g.get("direction"), where + ".direction");
            keys(d, where + ".direction", "axis", "bestFirst", "source");
            if (!(d.get("bestFirst") instanceof List<?> best) || best.size() < 2) {
                throw new ConfigException(where + ".direction.bestFirst", "must list at least two axis values");
            }
            direction = Optional.of(new Baselines.DirectionGate(method, grid, text(d.get("axis"), where + ".direction.axis"),
                    best.stream().map(String::valueOf).toList(), text(d.get("source"), where + ".direction.source")));
        }
        return Optional.of(new GridGate(grid, collapse, direction));
    }

    private static Map<String, String> condition(Object node, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        map(node, where).forEach((k, v) -> out.put(k, String.valueOf(v)));
        if (out.isEmpty()) {
            throw new ConfigException(where, "needs at least one axis key");
        }
        return out;
    }

    /** @return whether the row's axes have every key of {@code condition} with a matching value */
    static boolean matches(Map<String, String> condition, Map<String, String> axes) {
        for (var e : condition.entrySet()) {
            String v = axes.get(e.getKey());
            if (v == null || !matches(e.getValue().trim(), v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(String spec, String value) {
        if (spec.startsWith(">=") || spec.startsWith("<=")) {
            double bound = Double.parseDouble(spec.substring(2).trim()), x;
            try {
                x = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                return false;
            }
            return spec.startsWith(">=") ? x >= bound : x <= bound;
        }
        try {
            return Double.parseDouble(spec) == Double.parseDouble(value); // exact: "0" and "0.0" name the same cell
        } catch (NumberFormatException e) {
            return spec.equals(value);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String where) {
        if (!(node instanceof Map<?, ?> m)) {
            throw new ConfigException(where, "must be a map, got " + node);
        }
        return (Map<String, Object>) m;
    }

    private static void keys(Map<String, Object> m, String where, String... allowed) {
        Set<String> unknown = new LinkedHashSet<>(m.keySet());
        unknown.removeAll(List.of(allowed));
        if (!unknown.isEmpty()) {
            throw new ConfigException(where, "unknown keys " + unknown + " (allowed: " + String.join(", ", allowed) + ")");
        }
    }

    private static String text(Object v, String where) {
        if (v == null || String.valueOf(v).isBlank()) {
            throw new ConfigException(where, "missing");
        }
        return String.valueOf(v);
    }
}
