/**
 * Batch normalisation for self-supervised learning on one device: ShuffleBN (MoCo), per-group
 * "split" BN (lightly's {@code SplitBatchNorm}, BN per view as SimSiam/BYOL's PyTorch code gets it)
 * and SyncBN over a pluggable {@link io.sslbench.core.nn.bn.Collective}.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.sslbench.core.nn.bn.Collective}: {@code worldSize()}, {@code rank()},
 *       {@code allReduceSum}, {@code allGather} (dim 0, rank order). {@link io.sslbench.core.nn.bn.LocalCollective}
 *       is world size 1; the tests carry a thread + barrier implementation that shows SyncBN over
 *       simulated workers equals full-batch BN (outputs, input gradients, running statistics, and
 *       the sum over workers of the gamma/beta gradients).</li>
 *   <li>{@link io.sslbench.core.nn.bn.BatchShuffle}: lightly's {@code batch_shuffle} /
 *       {@code batch_unshuffle}, {@code shuffled[i] = x[perm[i]]}, exact round trip.</li>
 *   <li>{@link io.sslbench.core.nn.bn.ShuffleBn#forward}: shuffle, forward each of G equal groups
 *       on its own with {@code ComputationGraph.output(true, ...)} (batch statistics per group,
 *       detached outputs, no gradient into the key encoder), concatenate, unshuffle. Works with any
 *       BN layer of the graph, DL4J's included.</li>
 *   <li>{@link io.sslbench.core.nn.bn.SplitBatchNormalization} (configuration, JSON-serialisable),
 *       {@link io.sslbench.core.nn.bn.SplitBatchNormalizationLayer} (forward/backward),
 *       {@link io.sslbench.core.nn.bn.SplitBatchNormalizationParamInitializer} (params
 *       {@code gamma, beta, rmean, rvar}).</li>
 * </ul>
 *
 * <h2>SplitBatchNormalization</h2>
 * Input {@code [N, C]} or NCHW {@code [N, C, H, W]}, viewed as {@code [G, N/G, C, H*W]}. Training:
 * each of the G contiguous groups is normalised with its own per-channel mean and biased variance,
 * over that group's rows and spatial positions and, with a collective of world size W &gt; 1, over
 * the same group of every worker ({@code M = W * N/G * H*W} values):
 * {@code y = gamma (x - mu) / sqrt(var + eps) + beta}. G = 1 with a collective is SyncBN; G = 2 on
 * {@code [view1; view2]} is BN per view; G = 2 with a collective is per-view SyncBN.
 * Running statistics (PyTorch convention, momentum 0.1 by default):
 * {@code r_mean = (1 - m) r_mean + m mean_g(mu_g)}, {@code r_var = (1 - m) r_var + m mean_g(var_g M/(M-1))},
 * updated in the training forward pass; inference uses them. The backward pass is the full
 * analytic one, {@code dx = gamma/sqrt(var+eps) (dy - mean(dy) - xhat mean(dy xhat))} per group,
 * with the two sums all-reduced under a collective; gamma/beta gradients are local sums (data
 * parallelism averages them, as DDP does in PyTorch). Only the per-group mean and 1/std are kept
 * between the passes.
 *
 * <h2>Design decisions and deviations</h2>
 * <ul>
 *   <li>DEVIATION (grouping): groups are contiguous blocks of rows, as the task and BN-per-view need.
 *       lightly's {@code SplitBatchNorm} uses {@code input.view(-1, C*G, H, W)}, which puts row n in
 *       group n mod G; on a shuffled batch both are equally "random" groups.</li>
 *   <li>DEVIATION (running statistics with G &gt; 1): one momentum step with the average of the group
 *       statistics. lightly keeps G copies and averages them on {@code eval()} (the same, by
 *       linearity); SimSiam/BYOL's PyTorch code runs BN once per view, i.e. G sequential steps
 *       ({@code r = 0.81 r + 0.09 m1 + 0.1 m2} instead of {@code 0.9 r + 0.05 m1 + 0.05 m2}).</li>
 *   <li>DEVIATION (ShuffleBn): G separate forwards give forward-updated running statistics G steps per
 *       call; in MoCo's DDP code each GPU takes one step and GPU 0's buffers are saved. The key
 *       encoder's running statistics are never evaluated. Shuffling the whole batch and cutting it
 *       into G groups equals MoCo's all-gather + random permutation + per-GPU slice.</li>
 *   <li>Running statistics are parameters ({@code rmean}, {@code rvar}) so that they are saved with
 *       the model; their gradient is always zero and their updater is {@code NoOp} (the project's
 *       optimizer skips them by name). Unlike DL4J's layer (which moves its global mean/variance in
 *       backprop through the "gradient"), every training-mode forward updates them, as in PyTorch.
 *       DL4J's {@code decay = 0.9} corresponds to {@code momentum = 0.1} here.</li>
 *   <li>Regularisation: gamma gets the layer's weight regularisation and beta its bias
 *       regularisation (PyTorch's {@code weight_decay} reaches BN parameters); DL4J's layer has none.</li>
 *   <li>SyncBN statistics: two all-reduces (sums with counts, then squared deviations from the global
 *       mean): an exact two-pass variance; PyTorch all-gathers per-GPU mean/invstd/count instead.</li>
 *   <li>No activation function and no dropout are applied (as DL4J's BN layer); NCHW only (NHWC
 *       input types are rejected).</li>
 *   <li>Numerics: the statistics use ND4J sum/squared-norm reductions (about 8e-6 relative error of a
 *       FLOAT variance over 32K values per channel, measured) instead of ND4J's {@code Variance}
 *       op (5e-8), which is 5-20x slower than these reductions and dominates DL4J's own BN layer
 *       time (oneDNN helper included: it calls that op too).</li>
 * </ul>
 *
 * <h2>Performance</h2>
 * {@code io.sslbench.core.nn.bn.bench.BatchNormBenchmark} (JMH): training forward+backward on
 * {@code [256, 64, 16, 16]} FLOAT against DL4J's layer with and without the oneDNN helper.
 */
package io.sslbench.core.nn.bn;
