/**
 * MoCo (He et al. 2020, "Momentum Contrast for Unsupervised Visual Representation Learning"; v2:
 * Chen et al. 2020; official code facebookresearch/moco).
 *
 * <h2>Contents</h2>
 * <ul>
 *   <li>{@link io.sslbench.moco.InfoNceLoss}: the InfoNCE loss of Algorithm 1 with a queue of
 *       negatives and its gradient with respect to the un-normalised queries.</li>
 *   <li>The queue itself is {@link io.sslbench.core.engine.FeatureQueue} (in core, as other
 *       queue-based methods can share it); its deviations are listed here.</li>
 * </ul>
 *
 * <h2>Deviations from the paper and facebookresearch/moco ({@code moco/builder.py}); each is
 * marked {@code // DEVIATION:} where it happens</h2>
 * <ul>
 *   <li><b>No max shift.</b> When {@code 1/tau + ln(K+1)} fits the data type's exponent range
 *       ({@link io.sslbench.core.loss.CosineLogits}), the exponentials are taken of the raw logits
 *       (unit vectors bound them by {@code 1/tau}) instead of the row-max shifted log-softmax
 *       inside torch's {@code CrossEntropyLoss}. Equal up to rounding; below that temperature the
 *       row-max path is used. The logits ({@code [l_pos, l_neg] / T}), the label 0 and the batch
 *       mean are as in {@code builder.py}.</li>
 *   <li><b>Queue layout.</b> {@code builder.py} keeps {@code queue} as a [dim, K] buffer (keys are
 *       columns) and writes {@code queue[:, ptr:ptr+N] = keys.T}; {@code FeatureQueue} keeps [K, D]
 *       rows and writes {@code rows[ptr:ptr+N] = keys}. {@code snapshot()} is therefore the
 *       transpose of MoCo's {@code self.queue}; the pointer and the {@code K % N == 0} rule are the
 *       same.</li>
 *   <li><b>Queue initialisation.</b> Gaussian rows normalised to unit length, as MoCo's
 *       {@code randn} + {@code normalize(dim=0)}, but drawn from a seeded ND4J generator, so the
 *       numbers differ from torch's.</li>
 *   <li><b>Single process.</b> The keys enqueued and the {@code K % N} check use the local batch;
 *       MoCo gathers keys from all GPUs ({@code concat_all_gather}) first. Shuffle-BN is not part
 *       of these pieces.</li>
 *   <li><b>Normalisation inside the loss.</b> {@code q} and {@code k} are normalised by the loss
 *       (MoCo does it in {@code forward} with the same {@code normalize}, eps 1e-12); the caller
 *       enqueues normalised keys itself.</li>
 * </ul>
 *
 * <h2>Method-level deviations (the method class {@link io.sslbench.moco.Moco}; also reported with every result via {@code deviations()})</h2>
 * <ul>
 *   <li>Per-GPU BN on one device: the queries' BN layers normalise method.shuffleGroups contiguous groups of the batch (the simulated GPUs) with their own statistics (method.queryBnPerDevice, official), and the shuffled keys pass through the key encoder's same per-device layers in one forward (ShuffleBN, method.shuffleBn). The running statistics take one step towards the average of the devices' statistics; the official DDP model keeps GPU 0's (broadcast buffers).</li>
 *   <li>The key encoder's BN running statistics are momentum-averaged with its weights (DL4J keeps them among the parameters); the official key encoder keeps its own buffers. Only training-mode (batch) statistics of the key encoder are ever used.</li>
 *   <li>CIFAR presets: queue 4096 (ImageNet 65536) and ResNet-18 with the CIFAR stem.</li>
 * </ul>
 */
package io.sslbench.moco;
