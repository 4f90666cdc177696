package io.sslbench.eval.grid;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.engine.RunIdentity;
import io.sslbench.core.results.ResultRow;
import io.sslbench.eval.run.Evaluate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A suite: the scale every cell runs at (dotted overrides for all methods, plus per-method ones), the
 * protocols, and the grids with their seeds. Bundled: {@code quick} (CPU minutes, the build's
 * regression gate), {@code short} (hours on CPU, minutes on a GPU), {@code paper} (CIFAR-10
 * ResNet-18, 200 epochs, the lightly/solo-learn recipes).
 */
public record Suite(String name, Map<String, Object> overrides, Map<String, Map<String, Object>> perMethod,
                    List<String> protocols, int fineTuneEpochs, Evaluate.LinearBudget linear, List<Entry> grids) {
    /** Where bundled suites live on the class path: {@code sslbench/suites/<name>.yaml}. */
    public static final String RESOURCE_DIR = "sslbench/suites/";

    public Suite {
        Objects.requireNonNull(linear, "linear");
        if (fineTuneEpochs < 0) {
            throw new ConfigException("fineTuneEpochs", "suite " + name + ": must be >= 0 (0 = SimCLR's), got " + fineTuneEpochs);
        }
    }

    /**
     * A grid of the suite, the seeds it runs with, scale overrides for this grid only, the protocols of
     * this grid (empty = the suite's), and the axis values it runs (empty = all of the grid's; see {@link Grid#restrict}).
     */
    public record Entry(String grid, List<Long> seeds, Map<String, Object> overrides, List<String> protocols,
                        Map<String, List<Object>> axes) {
        public Entry(String grid, List<Long> seeds) {
            this(grid, seeds, Map.of(), List.of(), Map.of());
        }

        /** @return the grid this entry runs: the bundled one, cut to {@link #axes} */
        public Grid load() {
            return Grid.load(grid).restrict(axes);
        }
    }

    /** @return the protocols run on the cells of {@code e} */
    public List<String> protocolsOf(Entry e) {
        return e.protocols().isEmpty() ? protocols : e.protocols();
    }

    @SuppressWarnings("unchecked")
    public static Suite load(String fileOrName) {
        Map<String, Object> t = ConfigTree.load(RESOURCE_DIR, fileOrName);
        Map<String, Object> ov = t.get("overrides") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Map<String, Map<String, Object>> per = new LinkedHashMap<>();
        if (t.get("perMethod") instanceof Map<?, ?> pm) {
            pm.forEach((k, v) -> per.put(String.valueOf(k), (Map<String, Object>) v));
        }
        List<String> protocols = strings(t.get("protocols"));
        List<Entry> grids = new ArrayList<>();
        if (!(t.get("grids") instanceof List<?> gl)) {
            throw new ConfigException("grids", "suite " + fileOrName + " lists no grids");
        }
        for (Object g : gl) {
            if (g instanceof Map<?, ?> gm) {
                List<Long> seeds = new ArrayList<>();
                if (gm.get("seeds") instanceof List<?> sl) {
                    sl.forEach(x -> seeds.add(((Number) x).longValue()));
                }
                Map<String, Object> gov = gm.get("overrides") instanceof Map<?, ?> o ? (Map<String, Object>) o : Map.of();
                Map<String, List<Object>> axes = Grid.axes(gm.get("axes"), "suite " + fileOrName + ", grid " + gm.get("grid"));
                grids.add(new Entry(String.valueOf(gm.get("grid")), seeds, gov, strings(gm.get("protocols")), axes));
            } else {
                grids.add(new Entry(String.valueOf(g), List.of()));
            }
        }
        Object ft = t.getOrDefault("fineTuneEpochs", 0);
        if (!(ft instanceof Number n)) {
            throw new ConfigException("fineTuneEpochs", "suite " + fileOrName + ": expected an integer, got '" + ft + "'");
        }
        Object le = t.getOrDefault("linearEpochs", 0), la = t.getOrDefault("linearAugment", true);
        if (!(le instanceof Number ln) || ln.intValue() < 0) {
            throw new ConfigException("linearEpochs", "suite " + fileOrName + ": expected an integer >= 0 (0 = the "
                    + "method's official count), got '" + le + "'");
        }
        if (!(la instanceof Boolean augment)) {
            throw new ConfigException("linearAugment", "suite " + fileOrName + ": expected true or false, got '" + la + "'");
        }
        return new Suite(String.valueOf(t.getOrDefault("name", fileOrName)), ov, per, protocols, n.intValue(),
                new Evaluate.LinearBudget(ln.intValue(), augment), grids);
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }

    /**
     * @return the rows of this suite as it is now: rows of its name, of one of its grids, and of a (grid, config)
     *         it plans today. {@code rows} may come from a store kept across suite edits, holding rows of grids the
     *         suite no longer lists or of cells whose settings have changed since (their config hash differs).
     */
    public List<ResultRow> rowsOf(List<ResultRow> rows) {
        Set<String> current = new HashSet<>();
        SuiteRunner.plan(this).forEach(j -> current.add(j.grid() + "|" + RunIdentity.hash(j.config())));
        return rows.stream().filter(r -> name.equals(r.suite())
                && current.contains(r.grid() + "|" + r.provenance().configHash())).toList();
    }

    /** @return the "k=v" overrides for a method: the suite's, then its per-method ones */
    public List<String> assignments(String method) {
        List<String> out = new ArrayList<>();
        overrides.forEach((k, v) -> out.add(k + "=" + v));
        perMethod.getOrDefault(method, Map.of()).forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }
}
