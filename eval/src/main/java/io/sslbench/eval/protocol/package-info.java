/**
 * Evaluation protocols as library code: frozen-feature extraction ({@link io.sslbench.eval.protocol.FeatureExtractor}),
 * the weighted kNN monitor ({@link io.sslbench.eval.protocol.Knn}), the linear probe
 * ({@link io.sslbench.eval.protocol.LinearProbe}) followed by MoCo's sanity check
 * ({@link io.sslbench.eval.protocol.SanityCheck}), class-balanced labelled subsets
 * ({@link io.sslbench.eval.protocol.SemiSupervisedSubsets}) and semi-supervised fine-tuning
 * ({@link io.sslbench.eval.protocol.FineTune}). The collapse monitor lives in core
 * ({@code io.sslbench.core.engine.Collapse}) because the training engine logs it every epoch.
 *
 * <p>All features are computed in inference mode without augmentation ({@link io.sslbench.eval.protocol.FeatureExtractor#PROTOCOL}).
 * Accuracies are fractions in [0, 1], as {@code ResultRow} metrics.
 *
 * <h2>Deviations from the papers / official code (each marked {@code // DEVIATION:} where it happens)</h2>
 * <ul>
 *   <li>{@code LinearProbe.fit}: MoCo's {@code main_lincls.py} trains the linear classifier with SGD (lr 30,
 *       100 epochs) on augmented crops; we follow SimCLR's L-BFGS protocol on fixed, standardised features, with
 *       one fixed L2 coefficient (1e-4) instead of SimCLR's sweep of 45 values on a validation split.</li>
 *   <li>{@code FineTune.flipRandomly}: SimCLR fine-tunes with random resized crop + flip; only the flip is applied.</li>
 *   <li>{@code FineTune.cosineSchedule}: SimCLR's appendix gives no decay for fine-tuning; we decay with a cosine.</li>
 *   <li>{@code FineTune.buildClassifier}: weight decay is DL4J {@code l2} on weights only, where PyTorch's
 *       {@code weight_decay} also decays biases and BN parameters (the paper default is 0, so no effect there).</li>
 *   <li>{@code SemiSupervisedSubsets.balanced}: exactly the same number of images per class, where SimCLR's
 *       ImageNet subsets hold "around" 12.8 / 128 per class; identical on balanced sets such as CIFAR.</li>
 * </ul>
 */
package io.sslbench.eval.protocol;
