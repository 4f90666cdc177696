package io.sslbench.eval.grid;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.ConfigTree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A declarative grid: one or more base configs (bundled names), axes to vary (dotted key -> values,
 * cartesian product), and the seeds. File form ({@code sslbench/grids/<name>.yaml} or a path):
 * <pre>
 * name: simsiam-ablation
 * base: simsiam-cifar10          # or a list of bundled configs: every base is crossed with the axes
 * axes:
 *   method.stopGradient: [true, false]
 *   method.predictor: [true, false]
 * seeds: [0, 1]                  # optional; a suite may override
 * </pre>
 */
public record Grid(String name, List<String> bases, Map<String, List<Object>> axes, List<Long> seeds) {
    public static final String RESOURCE_DIR = "sslbench/grids/";

    /** One cell: a base config plus one value per axis. */
    public record Cell(String base, Map<String, Object> values) {
        /** @return the axis values as strings, for result rows */
        public Map<String, String> axesAsStrings() {
            Map<String, String> m = new LinkedHashMap<>();
            values.forEach((k, v) -> m.put(k, String.valueOf(v)));
            return m;
        }

        /** @return the cell's config tree (without suite overrides and seed) */
        public Map<String, Object> tree() {
            List<String> sets = new ArrayList<>();
            values.forEach((k, v) -> sets.add(k + "=" + v));
            return ConfigTree.override(ConfigTree.load(base), sets);
        }
    }

    @SuppressWarnings("unchecked")
    public static Grid load(String fileOrName) {
        Map<String, Object> t = ConfigTree.load("sslbench/grids/", fileOrName);
        Object name = t.getOrDefault("name", fileOrName);
        Object base = t.get("base");
        if (base == null) {
            throw new ConfigException("base", "grid " + fileOrName + " has no base config");
        }
        List<String> bases = new ArrayList<>();
        if (base instanceof List<?> l) {
            l.forEach(x -> bases.add(String.valueOf(x)));
        } else {
            bases.add(String.valueOf(base));
        }
        Map<String, List<Object>> axes = axes(t.get("axes"), "grid " + fileOrName);
        List<Long> seeds = new ArrayList<>();
        if (t.get("seeds") instanceof List<?> l) {
            l.forEach(x -> seeds.add(((Number) x).longValue()));
        } else {
            seeds.add(0L);
        }
        return new Grid(String.valueOf(name), bases, axes, seeds);
    }

    /**
     * @param values per axis, the values to keep (a suite runs the part of an ablation its budget affords, e.g. momentum
     *               0 / 0.9 / 0.99 of the 0 / 0.9 / 0.99 / 0.999 grid); every key must be an axis of this grid and every
     *               value one of its values (compared as strings), so a typo cannot silently run nothing
     * @return this grid with those axes cut to {@code values}
     */
    public Grid restrict(Map<String, List<Object>> values) {
        Map<String, List<Object>> out = new LinkedHashMap<>(axes);
        values.forEach((k, keep) -> {
            List<Object> have = axes.get(k);
            if (have == null) {
                throw new ConfigException("axes", "grid " + name + " has no axis " + k + " (axes: " + axes.keySet() + ")");
            }
            List<Object> cut = new ArrayList<>();
            for (Object v : keep) {
                Object match = have.stream().filter(h -> String.valueOf(h).equals(String.valueOf(v))).findFirst()
                        .orElseThrow(() -> new ConfigException("axes", "grid " + name + " axis " + k + " has no value " + v
                                + " (values: " + have + ")"));
                cut.add(match);
            }
            out.put(k, cut);
        });
        return new Grid(name, bases, out, seeds);
    }

    /**
     * @param node  an {@code axes:} node of a grid or suite file: dotted key -> list of values (a single value is a
     *              one-element list), or absent
     * @param where the file, for the error message
     * @return the axes in file order (empty when absent)
     */
    static Map<String, List<Object>> axes(Object node, String where) {
        Map<String, List<Object>> axes = new LinkedHashMap<>();
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> axes.put(String.valueOf(k), v instanceof List<?> l ? new ArrayList<>(l) : List.of(v)));
        } else if (node != null) {
            throw new ConfigException("axes", where + ": axes must map keys to lists of values");
        }
        return axes;
    }

    /** @return every cell: bases x cartesian product of the axes, in declaration order */
    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        for (String b : bases) {
            List<Map<String, Object>> combos = new ArrayList<>();
            combos.add(new LinkedHashMap<>());
            for (var e : axes.entrySet()) {
                List<Map<String, Object>> next = new ArrayList<>();
                for (Map<String, Object> c : combos) {
                    for (Object v : e.getValue()) {
                        Map<String, Object> n = new LinkedHashMap<>(c);
                        n.put(e.getKey(), v);
                        next.add(n);
                    }
                }
                combos = next;
            }
            combos.forEach(c -> out.add(new Cell(b, Map.copyOf(c))));
        }
        return out;
    }
}
