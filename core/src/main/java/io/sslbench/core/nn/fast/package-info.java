/**
 * Drop-in replacements for the DL4J layers of the backbones and heads, found by profiling a training step
 * (async-profiler, wall clock of the training thread, SimCLR on {@code small-cifar}, 128 views per step, 2 cores;
 * the per-layer figures are README's, "Performance"): where DL4J 1.0.0-M2.1
 * spends time that the computation does not need, these layers compute the same thing without it.
 *
 * <ul>
 *   <li>{@link io.sslbench.core.nn.fast.BlockedLayout} (issue 13's third round, the default): a CIFAR-stem
 *       backbone hands its activations from layer to layer in oneDNN's blocked layout ({@code nChw16c} on AVX-512,
 *       {@code nChw8c} on AVX2), so no convolution reorders its activations or their gradients and BN runs oneDNN's
 *       vectorised kernels; the stem reads the NCHW images and the global average pool
 *       ({@link io.sslbench.core.nn.fast.FastGlobalPooling}) writes plain features. {@code -Dsslbench.layout=nchw}
 *       keeps NCHW arrays between the layers.</li>
 *   <li>{@link io.sslbench.core.nn.fast.FastBatchNormalization}: DL4J's oneDNN BN helper computes the batch mean and
 *       variance with two strided ND4J reductions before the normalisation op, and its backward adds several
 *       elementwise ops; here the training forward and backward are oneDNN's batch-normalisation primitives called
 *       directly ({@code DnnlBn}: jit kernels on blocked data and on {@code [N, C]} rows; once per statistics group
 *       when each group is a contiguous block of rows, e.g. BN per view), or fused Java passes over per-channel
 *       copies ({@code BnKernels}, channels in parallel, sums in double) for groups made of several row blocks and
 *       under {@code -Dsslbench.bn=java}. With {@code groups} &gt; 1 (BN per view: {@code SslMethod#bnPerView}) each
 *       group is normalised with its own statistics; only these layers group (DL4J's path refuses it by name).</li>
 *   <li>{@link io.sslbench.core.nn.fast.FastConvolution}: DL4J's convolution recomputes its forward pass inside
 *       backprop; this one hands the incoming gradient to the same oneDNN {@code conv2d_bp}. A convolution that reads
 *       the network's images ({@code withoutInputGradient()}, the stem) computes only its weight gradient, as one BLAS
 *       product ({@code ConvKernels}): the stem's backward, where oneDNN's {@code conv2d_bp} also computes the unused
 *       image gradient.</li>
 *   <li>{@link io.sslbench.core.nn.fast.DnnlConv} (the default since issue 13's second round): every bias-free
 *       convolution's forward and both gradients as oneDNN primitives called directly (JavaCPP's oneDNN preset), in
 *       the blocked layout oneDNN picks, with reorders from and to NCHW around each call; Winograd where both channel
 *       counts are at least 32 (per-shape timings against libnd4j's {@code conv2d_bp}: README's {@code
 *       ConvBackwardBench} table). The Java/BLAS kernels below and libnd4j's route stay behind
 *       {@code -Dsslbench.conv=java|onednn}.</li>
 *   <li>Issue 13, the other convolutions' backward pass. {@code ConvKernels} computes both gradients of any square,
 *       undilated, symmetrically padded NCHW FLOAT convolution (the CIFAR ResNets' 3x3 stride 1 and 2 and 1x1
 *       stride-2 projections) as BLAS products on chunks of images: the weight gradient over shifted copies of the
 *       padded input planes (for stride {@code s}, of its {@code s x s} polyphase planes), the input gradient as the
 *       stride-1 convolution of the output gradient with the flipped kernel, or by col2im into the phase planes.
 *       Exact to float rounding (tests against DL4J's layer in DOUBLE, and a whole backbone's gradients), but
 *       <b>off by default</b>: {@code -Dsslbench.conv=java} switches it on (slower than oneDNN on every CIFAR shape;
 *       the measurements are in README, "Performance").</li>
 *   <li>{@link io.sslbench.core.nn.fast.FastRelu}: DL4J's activation layer copies its input in the forward pass and
 *       twice more in the backward; its {@code relu_bp} op runs a per-element {@code std::function}. Here: one native
 *       relu forward, {@code dy * step(x)} backward, without the workspace copies.</li>
 *   <li>{@link io.sslbench.core.nn.fast.FastDense}: DL4J's dense layer also recomputes its forward product in
 *       backprop; forward and backward products go through {@link io.sslbench.core.util.Gemm} (oneDNN's sgemm).</li>
 * </ul>
 *
 * <p>Semantics are DL4J's (parameters, their names and initialisation, BN's running-statistics convention, JSON
 * serialisation), so checkpoints, the optimiser and every {@code instanceof} check are unaffected. The fast paths
 * run for FLOAT with DL4J's layer helpers enabled; DOUBLE networks and {@code Backend.withoutHelpers} get DL4J's own
 * code, which the tests use as the reference (every fast layer against its DL4J twin run in DOUBLE). No deviation
 * from the papers or from DL4J's results beyond float rounding (relative differences of order 1e-6; the Java BN
 * kernels accumulate in double, oneDNN's in float).
 */
package io.sslbench.core.nn.fast;
