/**
 * Evaluation protocols as library code: frozen-feature extraction ({@link io.sslbench.eval.protocol.FeatureExtractor}),
 * the weighted kNN monitor ({@link io.sslbench.eval.protocol.Knn}), the papers' linear evaluation
 * ({@link io.sslbench.eval.protocol.LinearEval}, protocol {@code linear}) and the L-BFGS probe
 * ({@link io.sslbench.eval.protocol.LinearProbe}, protocol {@code linear-lbfgs}), each followed by MoCo's sanity check
 * ({@link io.sslbench.eval.protocol.SanityCheck}), class-balanced labelled subsets
 * ({@link io.sslbench.eval.protocol.SemiSupervisedSubsets}) and semi-supervised fine-tuning
 * ({@link io.sslbench.eval.protocol.FineTune}). The collapse monitor lives in core
 * ({@code io.sslbench.core.engine.Collapse}) because the training engine logs it every epoch.
 *
 * <p>Features are computed in inference mode; without augmentation ({@link io.sslbench.eval.protocol.FeatureExtractor#PROTOCOL})
 * except for the training images of {@code linear}, which are random-resized crops and flips each epoch.
 * Accuracies are fractions in [0, 1], as {@code ResultRow} metrics.
 *
 * <h2>Deviations from the papers / official code (each marked {@code // DEVIATION:} where it happens)</h2>
 * <ul>
 *   <li>{@code linear-lbfgs} ({@code LinearProbe.fit}) is not a paper's linear evaluation but SimCLR's transfer
 *       protocol (L-BFGS on fixed, standardised features), with one fixed L2 coefficient (1e-4) instead of SimCLR's
 *       sweep of 45 values on a validation split; {@code linear} is the papers' protocol.</li>
 *   <li>{@code LinearEvalConfig.forMethod}: BYOL picks its linear-evaluation lr from {0.4, 0.3, 0.2, 0.1, 0.05} on a
 *       validation split; we use 0.2 at batch 1024 (0.05 at 256) without the sweep. Every method runs at batch 256,
 *       its paper's lr brought there by its scaling rule. A suite may shorten {@code linear}
 *       ({@code linearEpochs}, {@code linearAugment}); each row records the epochs and whether it augmented.</li>
 *   <li>{@code FineTune.flipRandomly}: SimCLR fine-tunes with random resized crop + flip; only the flip is applied.</li>
 *   <li>{@code FineTune.cosineSchedule}: SimCLR's appendix gives no decay for fine-tuning; we decay with a cosine.</li>
 *   <li>{@code FineTune.buildClassifier}: weight decay is DL4J {@code l2} on weights only, where PyTorch's
 *       {@code weight_decay} also decays biases and BN parameters (the paper default is 0, so no effect there).</li>
 *   <li>{@code SemiSupervisedSubsets.balanced}: exactly the same number of images per class, where SimCLR's
 *       ImageNet subsets hold "around" 12.8 / 128 per class; identical on balanced sets such as CIFAR.</li>
 * </ul>
 */
package io.sslbench.eval.protocol;
