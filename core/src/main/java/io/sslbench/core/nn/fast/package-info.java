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
 *       ({@code BnKernels}), channels in parallel. Forward + backward 128.6 -> 32.0 ms per step. With
 *       {@code groups} &gt; 1 (BN per view: {@code SslMethod#bnPerView}) each contiguous block of N/G rows is normalised
 *       with its own statistics in the same pass; only these kernels group (DL4J's path refuses it by name).</li>
 *   <li>{@link io.sslbench.core.nn.fast.FastConvolution}: DL4J's convolution recomputes its forward pass inside
 *       backprop; this one hands the incoming gradient to the same oneDNN {@code conv2d_bp}. A convolution that reads
 *       the network's images ({@code withoutInputGradient()}, the stem) computes only its weight gradient, as one BLAS
 *       product ({@code ConvKernels}): the stem's backward, where oneDNN's {@code conv2d_bp} also computes the unused
 *       image gradient, went from 25.5 to 10 ms per step.</li>
 *   <li>{@link io.sslbench.core.nn.fast.DnnlConv} (the default since issue 13's second round): every bias-free
 *       convolution's forward and both gradients as oneDNN primitives called directly (JavaCPP's oneDNN preset), in
 *       the blocked layout oneDNN picks, with reorders from and to NCHW around each call; Winograd where both channel
 *       counts are at least 32. libnd4j's {@code conv2d_bp} measured up to 4.9x slower per shape (ConvBackwardBench,
 *       README table); SimCLR small-cifar batch 64 step 296 -&gt; 409 img/s in one profiling window, ResNet-18 batch
 *       128 19.1 (d23846b) -&gt; 30.3 img/s (6ca0283), side-by-side runs of two sessions. The Java/BLAS kernels below and libnd4j's route stay behind
 *       {@code -Dsslbench.conv=java|onednn}.</li>
 *   <li>Issue 13, the other convolutions' backward pass. {@code ConvKernels} computes both gradients of any square,
 *       undilated, symmetrically padded NCHW FLOAT convolution (the CIFAR ResNets' 3x3 stride 1 and 2 and 1x1
 *       stride-2 projections) as BLAS products on chunks of images: the weight gradient over shifted copies of the
 *       padded input planes (for stride {@code s}, of its {@code s x s} polyphase planes), the input gradient as the
 *       stride-1 convolution of the output gradient with the flipped kernel, or by col2im into the phase planes.
 *       Exact to float rounding (tests against DL4J's layer in DOUBLE, and a whole backbone's gradients), but
 *       <b>off by default</b>: {@code -Dsslbench.conv=java} switches it on. Measured on the 2-core build
 *       machine while other jobs loaded it (load average 4-7):
 *       <ul>
 *         <li>Per shape ({@code ConvBackwardBench}, 128 views, OpenMP threads waiting passively, medians of 11, ms,
 *             oneDNN {@code conv2d_bp} / these kernels): 3x3 stride 1 16->16 at 32x32 51.2 / 68.4 (oneDNN's
 *             forward 9.7), 32->32 at 16x16 13.6 / 41.1, 64->64 at 8x8 11.1 / 29.6; 3x3 stride 2 16->32 19.0 / 37.0,
 *             32->64 12.2 / 22.6; 1x1 stride 2 16->32 14.9 / 9.9, 32->64 6.5 / 9.9. The products are the limit: the
 *             16->16 weight gradient's [16, 139264] x [144, 139264]^T alone took 19.5 ms (about 33 GFLOP/s), nine
 *             products on shifted views instead of the copies (kn2row) 35.5 ms.</li>
 *         <li>SimCLR, {@code sslbench bench}, img/s, runs interleaved, main (at 93a2912) against the kernels switched
 *             on: small-cifar batch 64, passive OpenMP threads, 195.0, 170.3 against 123.8, 117.3; batch 256
 *             passive 171.9 against 107.8; resnet18-cifar batch 128 (3 steps, default waiting) 8.1 against 6.7. The
 *             default of this change computes what main computes (batch 64 passive: main 174.8, 164.7, this 187.7,
 *             173.7). One small-cifar fit step ({@code ConvPolicyStepBench}, 128 rows, both alternating in one process,
 *             passive): 331.5 ms with oneDNN, 469.7 ms with the kernels.</li>
 *         <li>With OpenMP's default spin-waiting every step was several times slower and the kernels came out ahead
 *             at 128 views (small-cifar batch 64: main 39.8, 51.3 against 71.4, 56.3 img/s; fit step 1600 against
 *             1075 ms), not at 512 (batch 256: 111.3 against 107.5 img/s; fit step 2661 against 2374 ms, within the
 *             noise of pairs 0.80-1.28): oneDNN's spinning threads fought the other jobs, and OpenBLAS's threads,
 *             for the two cores, which {@code OMP_WAIT_POLICY=PASSIVE} removed (main at batch 64: 38-51 -> 165-195
 *             img/s). A profile of the kernels in the SimCLR step showed the caller yielding in OpenBLAS's
 *             {@code exec_blas} for most of the product time.</li>
 *         <li>The stem's weight gradient through OpenBLAS on chunks took 13.5 against 25.5 ms per 128 views in
 *             isolation (ND4J's gemm over the whole batch, the route above), but the same in a training step (377
 *             against 387 ms passive, 1591 against 1593 default), so the stem keeps ND4J's route unless the kernels
 *             are switched on.</li>
 *       </ul></li>
 *   <li>{@link io.sslbench.core.nn.fast.FastRelu}: DL4J's activation layer copies its input in the forward pass and
 *       twice more in the backward; its {@code relu_bp} op runs a per-element {@code std::function}. Here: one native
 *       relu forward, {@code dy * step(x)} backward. Forward + backward 14.7 -> 8.1 ms per step; the workspace copies
       (the ReLU layers' and the add vertices') 17.0 -> 7.6 ms.</li>
 *   <li>{@link io.sslbench.core.nn.fast.FastDense}: DL4J's dense layer also recomputes its forward product in
 *       backprop; forward and backward products go through {@link io.sslbench.core.util.Gemm} (oneDNN's sgemm).</li>
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
