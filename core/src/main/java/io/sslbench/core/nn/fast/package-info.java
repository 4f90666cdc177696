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
 *       the network's images ({@code withoutInputGradient()}, the stem) computes only its weight gradient, as BLAS
 *       products ({@code ConvKernels}): the stem's backward, where oneDNN's {@code conv2d_bp} also computes the unused
 *       image gradient, went from 25.5 to 10 ms per step; since issue 13 the product runs on chunks of images that
 *       stay in cache, through OpenBLAS's {@code cblas_sgemm} ({@code Nd4j.gemm} with a transposed operand measured
 *       8-12 ms against 1.1 ms on a [16, 8704] x [144, 8704]^T product): 13.5 against 25.5 ms per 128 views for the
 *       former whole-batch {@code Nd4j.gemm} (46.9 against 73.7 ms per 512), oneDNN's {@code conv2d_bp} 50 ms.</li>
 *   <li>Issue 13, the rest of the convolutions' backward pass: {@code ConvKernels} also computes both gradients of
 *       any square, undilated, symmetrically padded convolution (the 3x3 stride 1 and 2 and 1x1 stride-2 projections
 *       of the CIFAR ResNets): the weight gradient over shifted copies of the padded input planes (for stride
 *       {@code s}, of its {@code s x s} polyphase planes), the input gradient as the stride-1 convolution of the output
 *       gradient with the flipped kernel, or by col2im into the phase planes. It is exact to float rounding (tests
 *       against DL4J's layer in DOUBLE) but <b>off by default</b> ({@code -Dsslbench.conv.backward=java} switches it
 *       on): measured per shape ({@code ConvBackwardBench}, 128 views, 2 shared cores, OpenMP threads waiting
 *       passively, medians of 11, ms, oneDNN {@code conv2d_bp} / Java): 3x3 stride 1 16->16 at 32x32 51.2 / 68.4
 *       (oneDNN's forward 9.7), 32->32 at 16x16 13.6 / 41.1, 64->64 at 8x8 11.1 / 29.6; 3x3 stride 2 16->32 19.0 /
 *       37.0, 32->64 12.2 / 22.6; 1x1 stride 2 16->32 14.9 / 9.9, 32->64 6.5 / 9.9. The products themselves are the
 *       limit: the 16->16 weight gradient's [16, 139264] x [144, 139264]^T alone took 19.5 ms (about 33 GFLOP/s), and
 *       nine products on shifted views without the copies (kn2row) 35.5 ms. One small-cifar training step
 *       ({@code ConvPolicyStepBench}, fit, 128 rows, both policies alternating in one process): 331.5 ms with oneDNN,
 *       469.7 ms with the Java kernels. With OpenMP's default spin-waiting on this machine, loaded by other jobs,
 *       every step was several times slower and the order reversed (1600 against 1075 ms, 1.48x for the Java
 *       kernels; at 512 rows 2661 against 2374 ms): oneDNN's spinning threads fought the other jobs for the cores,
 *       which {@code OMP_WAIT_POLICY=PASSIVE} removed (SimCLR, small-cifar, batch 64: 38 -> 177 img/s without this
 *       change).</li>
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
