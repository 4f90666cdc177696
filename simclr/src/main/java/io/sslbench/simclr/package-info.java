/**
 * SimCLR (Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual
 * Representations"; official code google-research/simclr).
 *
 * <h2>Contents</h2>
 * <ul>
 *   <li>{@link io.sslbench.simclr.NtXentLoss}: the NT-Xent loss of Algorithm 1 and its gradient
 *       with respect to the un-normalised projections; {@code NtXentLoss.withMemory} adds K queued
 *       negatives to every anchor's denominator (SimCLR v2's memory).</li>
 *   <li>{@link io.sslbench.simclr.SimClr}: the method; with {@code method.queueSize = K > 0} it keeps
 *       SimCLR v2's MoCo-style memory over core's {@link io.sslbench.core.engine.EmaTarget} (the
 *       memory encoder, checkpointed by the engine) and {@link io.sslbench.core.engine.FeatureQueue}
 *       (the K keys, checkpointed through {@code state()}/{@code restore()}). Bundled config:
 *       {@code simclr-v2-memory-cifar10} (K = 4096, m = 0.999), or
 *       {@code --method simclr-v2 --set method.queueSize=4096}.</li>
 * </ul>
 *
 * <h2>SimCLR v2's memory of negatives (Chen et al. 2020b, Sec. 2)</h2>
 * The paper: "we also incorporate the memory mechanism from MoCo, which designates a memory network
 * (with a moving average of weights for stabilization) whose output will be buffered as negative
 * examples", about +1% (linear evaluation and 1% fine-tuning) on top of its large batches. The
 * official v2 code (google-research/simclr, tf2) has no memory, and the paper gives no size,
 * momentum or detail. What is implemented, each choice marked {@code // DEVIATION:} where it happens:
 * <ul>
 *   <li><b>Off by default.</b> {@code method.queueSize = 0} in both factories and in the
 *       {@code simclr}/{@code simclr-v2} configs (their config trees, hence hashes, are unchanged); so
 *       the default {@code simclr-v2} deviates from the paper's results, which used the memory.</li>
 *   <li><b>Memory network.</b> An EMA copy of encoder + projection head (the whole online graph),
 *       updated {@code θ_m ← m θ_m + (1 − m) θ} before each step's keys as MoCo does; m defaults to
 *       MoCo's 0.999 (unstated in the paper). It runs in training mode with the batch statistics of
 *       the 2N rows (no ShuffleBN; on TPU the paper's BN was global across cores anyway), and its BN
 *       running statistics are EMA-averaged with its weights (see {@code EmaTarget}).</li>
 *   <li><b>What is buffered.</b> Both views' memory-network outputs, L2-normalised: 2N keys a step,
 *       enqueued after the parameter update as two batches of N (view 1, then view 2), so K must be
 *       a multiple of the batch size N; the queue starts as K random unit vectors (MoCo).</li>
 *   <li><b>Loss.</b> Every one of the 2N anchors gets the K keys as extra negatives; the positive
 *       stays the other online view: {@code l(i) = -log(exp(s_ip/τ) / (Σ_{k≠i} exp(s_ik/τ) +
 *       Σ_q exp(u_i·c_q/τ)))}. Keys are constants (no gradient). The loss sees the queue as it was
 *       before this step's keys (MoCo's order), so the current batch is never its own memory
 *       negative.</li>
 *   <li><b>One device.</b> The paper ran on TPU pods (batch 4096); here the memory is one
 *       ring buffer on one device.</li>
 * </ul>
 *
 * <h2>Matched training details (not deviations)</h2>
 * <ul>
 *   <li>Loss scale: {@code NtXentLoss} returns the official {@code loss_a + loss_b} (each view's
 *       cross entropy averaged over its N anchors), twice Algorithm 1's mean over the 2N anchors. Not
 *       a factor a learning rate absorbs under LARS: the excluded bias and BN parameters are updated
 *       with the raw gradient, and the gradient-to-weight-decay ratio sets every other trust ratio
 *       ({@code NtXentLossTest.isTwiceTheAlgorithm1MeanAsTheOfficialObjective}).</li>
 *   <li>Projection head as {@code model_util.py}: dense layers without bias, each followed by BN; the hidden
 *       layers' BN has scale and shift, the last layer's BN scale only ({@code center=False}), as does the single
 *       layer of the {@code linear} head ablation ({@code proj_head_mode='linear'}: dense without bias + BN without
 *       shift). The missing shift is {@code FastBatchNormalization.withoutShift()}: beta is fixed at 0 by a zero
 *       gradient, which no optimiser rule moves.</li>
 *   <li>Biases and BN parameters are excluded from LARS's weight decay and adaptation ({@code method.excludeBnBias}),
 *       and the last BN of every residual block starts at gamma 0 ({@code method.zeroInitResidual: all},
 *       {@code resnet.py}'s {@code init_zero=True}).</li>
 *   <li>Global BN ({@code global_bn=True}: one set of BN statistics over every core's rows) is the default
 *       ({@code method.bnDevices: 1}); {@code method.bnDevices = G > 1} simulates per-device BN without aggregation, each
 *       of G devices normalising its images' rows of both views together, the leakage the paper's global BN avoids
 *       (grid {@code simclr-global-bn}; reported as a deviation when set).</li>
 * </ul>
 *
 * <h2>Deviations</h2>
 * The one list of this module's deviations from the paper and the official code is the {@code deviations}
 * section of its card, {@code src/main/resources/sslbench/methods/simclr.yaml} (the report and every result
 * row read it; each is marked {@code // DEVIATION} where it happens); the method adds the ones a run's config
 * causes ({@code configDeviations()}).
 */
package io.sslbench.simclr;
