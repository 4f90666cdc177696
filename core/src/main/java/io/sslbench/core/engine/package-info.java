/**
 * The training engine every method shares: a method ({@link io.sslbench.core.engine.SslMethod}) says which views it
 * needs, adds its heads to the online graph and turns head outputs into a loss; the engine does the rest once.
 *
 * <ul>
 *   <li>{@link io.sslbench.core.engine.OnlineNetwork}: the online graph (encoder, the method's heads, the in-graph
 *       loss layer {@link io.sslbench.core.engine.ExternalLoss}, the feature tap), and the method's BN layout.</li>
 *   <li>{@link io.sslbench.core.engine.Trainer}: steps (gradient caching for multi-crop), the optimiser and schedules,
 *       EMA targets ({@link io.sslbench.core.engine.EmaTarget}), the feature queue
 *       ({@link io.sslbench.core.engine.FeatureQueue}), the online probe, the collapse monitor
 *       ({@link io.sslbench.core.engine.Collapse}), metrics, atomic checkpoints with exact resume (mid-epoch too), and
 *       a stop request that checkpoints after the current step (a scheduler's preemption).</li>
 *   <li>{@link io.sslbench.core.engine.MethodProvider}: methods are found with {@link java.util.ServiceLoader}.</li>
 * </ul>
 * Batches come from an {@link io.sslbench.core.aug.BatchSource} (the multi-view loader, or synthetic batches for
 * benchmarks and tests).
 */
package io.sslbench.core.engine;
