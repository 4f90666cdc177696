package io.sslbench.eval.grid;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.ConfigTree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A suite: the scale every cell runs at (dotted overrides for all methods, plus per-method ones), the
 * protocols, and the grids with their seeds. Bundled: {@code quick} (CPU minutes, the build's
 * regression gate), {@code short} (hours on CPU, minutes on a GPU), {@code paper} (CIFAR-10
 * ResNet-18, 200 epochs, the lightly/solo-learn recipes).
 */
public record Suite(String name, Map<String, Object> overrides, Map<String, Map<String, Object>> perMethod,
                    List<String> protocols, List<Entry> grids) {
    /** A grid of the suite, the seeds it runs with, and scale overrides for this grid only. */
    public record Entry(String grid, List<Long> seeds, Map<String, Object> overrides) {
        public Entry(String grid, List<Long> seeds) {
            this(grid, seeds, Map.of());
        }
    }

    @SuppressWarnings("unchecked")
    public static Suite load(String fileOrName) {
        Map<String, Object> t = ConfigTree.load("sslbench/suites/", fileOrName);
        Map<String, Object> ov = t.get("overrides") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Map<String, Map<String, Object>> per = new LinkedHashMap<>();
        if (t.get("perMethod") instanceof Map<?, ?> pm) {
            pm.forEach((k, v) -> per.put(String.valueOf(k), (Map<String, Object>) v));
        }
        List<String> protocols = new ArrayList<>();
        if (t.get("protocols") instanceof List<?> l) {
            l.forEach(x -> protocols.add(String.valueOf(x)));
        }
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
                grids.add(new Entry(String.valueOf(gm.get("grid")), seeds, gov));
            } else {
                grids.add(new Entry(String.valueOf(g), List.of()));
            }
        }
        return new Suite(String.valueOf(t.getOrDefault("name", fileOrName)), ov, per, protocols, grids);
    }

    /** @return the "k=v" overrides for a method: the suite's, then its per-method ones */
    public List<String> assignments(String method) {
        List<String> out = new ArrayList<>();
        overrides.forEach((k, v) -> out.add(k + "=" + v));
        perMethod.getOrDefault(method, Map.of()).forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }
}
