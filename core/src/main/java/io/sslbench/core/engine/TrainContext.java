package io.sslbench.core.engine;

import io.sslbench.core.config.RunConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** What a method sees of the run: the online network, the clock, the config and shared services. */
public final class TrainContext {
    private final RunConfig config;
    private final ComputationGraph online;
    private final String headVertex;
    private final String featuresVertex;
    private final long stepsPerEpoch;
    private final Map<String, EmaTarget> targets = new LinkedHashMap<>();
    long step;
    int epoch;

    TrainContext(RunConfig config, ComputationGraph online, String featuresVertex, String headVertex,
                 long stepsPerEpoch) {
        this.config = config;
        this.online = online;
        this.featuresVertex = featuresVertex;
        this.headVertex = headVertex;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    public RunConfig config() {
        return config;
    }

    public ComputationGraph online() {
        return online;
    }

    /** @return name of the vertex whose output goes into the loss */
    public String headVertex() {
        return headVertex;
    }

    public String featuresVertex() {
        return featuresVertex;
    }

    /** @return global step (0-based) of the step being run */
    public long step() {
        return step;
    }

    public int epoch() {
        return epoch;
    }

    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public long totalSteps() {
        return stepsPerEpoch * config.epochs();
    }

    /** @return a random stream that depends only on (seed, step, purpose): reproducible and resumable */
    public SplittableRandom rng(String purpose) {
        long h = config.seed() * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + purpose.hashCode() * 0x94D049BB133111EBL;
        return new SplittableRandom(h);
    }

    /**
     * Creates (once) the EMA target registered under {@code name}; the engine checkpoints and
     * restores it.
     */
    public EmaTarget emaTarget(String name) {
        return targets.computeIfAbsent(name, k -> new EmaTarget(online));
    }

    Map<String, EmaTarget> targets() {
        return targets;
    }
}
