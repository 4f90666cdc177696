/**
 * Drop-in replacements for the DL4J layers of the backbones and heads, found by profiling a training step
 * (async-profiler, wall clock of the training thread, SimCLR on {@code small-cifar}, 128 views per step, 2 cores;
 * the figures below are the README's before/now profile): where DL4J 1.0.0-M2.1
 * spends time that the computation does not need, these layers compute the same thing without it.
 *
 * <ul>
 *   <li>{@link io.sslbench.core.nn.fast.FastBatchNormalization}: DL4J's oneDNN BN helper computes the batch mean and
 *       variance with two strided ND4J reductions before the normalisation op, and its backward adds several
 *       elementwise ops; here forward and backward are fused Java passes over per-channel copies
 *       ({@code BnKernels}), channels in parallel. Forward + backward 128.6 -> 32.0 ms per step.</li>
 *   <li>{@link io.sslbench.core.nn.fast.FastConvolution}: DL4J's convolution recomputes its forward pass inside
 *       backprop; this one hands the incoming gradient to the same oneDNN {@code conv2d_bp}. A convolution that reads
 *       the network's images ({@code withoutInputGradient()}, the stem) computes only its weight gradient, as one BLAS
 *       product ({@code ConvKernels}): the stem's backward, where oneDNN's {@code conv2d_bp} also computes the unused
       image gradient, went from 25.5 to 10 ms per step.</li>
 *   <li>{@link io.sslbench.core.nn.fast.FastRelu}: DL4J's activation layer copies its input in the forward pass and
 *       twice more in the backward; its {@code relu_bp} op runs a per-element {@code std::function}. Here: one native
 *       relu forward, {@code dy * step(x)} backward. Forward + backward 14.7 -> 8.1 ms per step; the workspace copies
       (the ReLU layers' and the add vertices') 17.0 -> 7.6 ms.</li>
 *   <li>{@link io.sslbench.core.nn.fast.FastDense}: DL4J's dense layer also recomputes its forward product in
 *       backprop.</li>
 * </ul>
 *
 * <p>Semantics are DL4J's (parameters, their names and initialisation, BN's running-statistics convention, JSON
 * serialisation), so checkpoints, the optimiser and every {@code instanceof} check are unaffected. The fast paths
 * run for FLOAT with DL4J's layer helpers enabled; DOUBLE networks and {@code Backend.withoutHelpers} get DL4J's own
 * code, which the tests use as the reference (every fast layer against its DL4J twin run in DOUBLE). No deviation
 * from the papers or from DL4J's results beyond float rounding (relative differences of order 1e-6; BN sums are
 * accumulated in double).
 */
package io.sslbench.core.nn.fast;
