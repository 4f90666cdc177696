package io.sslbench.core.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The running sums of one epoch's step figures (collapse std, loss, the method's diagnostics) whose means are the
 * epoch's figures. They go into every checkpoint ({@link #state}), so an epoch resumed in its middle ends with the
 * very sums, hence the very means, of the uninterrupted epoch; after an epoch end they hold that finished epoch
 * until the next epoch starts, so a run resumed with no step left still reports its last epoch.
 */
final class EpochStats {
    private static final String DIAGNOSTIC = "diag/";
    private double stdSum;
    private double lossSum;
    private long steps;
    private int embeddingDim;
    private final Map<String, Double> diagnosticSums = new TreeMap<>(); // sorted: the same order after a restore
    /** Seconds the steps waited on the loader, and seconds they computed (timings: not reproduced by a resume). */
    private double waitSum;
    private double stepSum;

    void reset() {
        stdSum = 0;
        lossSum = 0;
        steps = 0;
        waitSum = 0;
        stepSum = 0;
        diagnosticSums.clear();
    }

    void addTiming(double waitedSeconds, double stepSeconds) {
        waitSum += waitedSeconds;
        stepSum += stepSeconds;
    }

    /** @return the fraction of the epoch's wall time spent waiting for batches (0: the loader kept up) */
    double dataWaitFraction() {
        return waitSum + stepSum > 0 ? waitSum / (waitSum + stepSum) : 0.0;
    }

    void add(double std, double loss, int embeddingDim, Map<String, Double> diagnostics) {
        stdSum += std;
        lossSum += loss;
        steps++;
        this.embeddingDim = embeddingDim;
        diagnostics.forEach((k, v) -> diagnosticSums.merge(k, v, Double::sum));
    }

    /** @return the mean collapse std of the steps so far (NaN before the first) */
    double std() {
        return steps == 0 ? Double.NaN : stdSum / steps;
    }

    /** @return the mean loss of the steps so far (NaN before the first) */
    double loss() {
        return steps == 0 ? Double.NaN : lossSum / steps;
    }

    /** @return the embedding dimension of the last step (0 before any step of the run) */
    int embeddingDim() {
        return embeddingDim;
    }

    Map<String, Double> diagnostics() {
        Map<String, Double> out = new LinkedHashMap<>();
        diagnosticSums.forEach((k, v) -> out.put(k, steps == 0 ? Double.NaN : v / steps));
        return out;
    }

    /** @return the sums as checkpoint figures, each name under {@code prefix} */
    Map<String, Double> state(String prefix) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "stdSum", stdSum);
        m.put(prefix + "lossSum", lossSum);
        m.put(prefix + "steps", (double) steps);
        m.put(prefix + "embeddingDim", (double) embeddingDim);
        m.put(prefix + "waitSum", waitSum);
        m.put(prefix + "stepSum", stepSum);
        diagnosticSums.forEach((k, v) -> m.put(prefix + DIAGNOSTIC + k, v));
        return m;
    }

    /** Restores {@link #state}; figures without the prefix (a checkpoint written before they existed) leave it empty. */
    void restore(String prefix, Map<String, Double> figures) {
        reset();
        stdSum = figures.getOrDefault(prefix + "stdSum", 0.0);
        lossSum = figures.getOrDefault(prefix + "lossSum", 0.0);
        steps = figures.getOrDefault(prefix + "steps", 0.0).longValue();
        embeddingDim = figures.getOrDefault(prefix + "embeddingDim", 0.0).intValue();
        waitSum = figures.getOrDefault(prefix + "waitSum", 0.0);
        stepSum = figures.getOrDefault(prefix + "stepSum", 0.0);
        figures.forEach((k, v) -> {
            if (k.startsWith(prefix + DIAGNOSTIC)) {
                diagnosticSums.put(k.substring(prefix.length() + DIAGNOSTIC.length()), v);
            }
        });
    }
}
