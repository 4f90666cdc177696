package io.sslbench.core.results;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One row of the results store: one (run, protocol) pair with its metrics and full provenance.
 *
 * <p>Metric names used across the project (fractions in [0,1], not percent): {@code top1},
 * {@code top5}. Protocol names: {@code knn}, {@code linear}, {@code semi1}, {@code semi10},
 * {@code random-init-knn} (the same backbone untrained, as the floor every method must beat).
 *
 * @param runId       unique id of the pretraining run (its folder name)
 * @param suite       suite the row belongs to ("quick", "short", "paper", or "adhoc")
 * @param grid        grid name ("" outside a grid)
 * @param cell        grid cell id: the config hash of the cell without its seed
 * @param method      method id: simclr, simclr-v2, moco-v1, moco-v2, byol, simsiam, swav
 * @param axes        the grid axes' values for this cell, e.g. {"method.stopGradient": "false"}
 * @param protocol    evaluation protocol, see above
 * @param metrics     metric name to value
 * @param backbone    backbone id, e.g. resnet18-cifar
 * @param dataset     data set id, e.g. cifar10
 * @param epochs      pretraining epochs
 * @param imgPerSec   pretraining throughput (images, not views, per second)
 * @param wallSeconds pretraining wall time
 * @param peakRssBytes peak resident memory of the process during pretraining
 * @param collapseStd  std of l2-normalised embeddings at the end of pretraining
 * @param embeddingDim d, so 1/sqrt(d) is the healthy reference
 * @param collapsed    verdict: collapseStd below the documented threshold
 * @param provenance   where the number came from
 */
public record ResultRow(String runId, String suite, String grid, String cell, String method,
                        Map<String, String> axes, String protocol, Map<String, Double> metrics,
                        String backbone, String dataset, int epochs, double imgPerSec, double wallSeconds,
                        long peakRssBytes, double collapseStd, int embeddingDim, boolean collapsed,
                        Provenance provenance) {
    public ResultRow {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(provenance, "provenance");
        axes = axes == null ? Map.of() : Map.copyOf(new TreeMap<>(axes));
        metrics = metrics == null ? Map.of() : Map.copyOf(new TreeMap<>(metrics));
        grid = grid == null ? "" : grid;
        cell = cell == null ? "" : cell;
        suite = suite == null ? "adhoc" : suite;
    }

    /** @return the metric, or NaN when the row does not have it */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
