/**
 * SimCLR (Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual
 * Representations"; official code google-research/simclr).
 *
 * <h2>Contents</h2>
 * <ul>
 *   <li>{@link io.sslbench.simclr.NtXentLoss}: the NT-Xent loss of Algorithm 1 and its gradient
 *       with respect to the un-normalised projections.</li>
 * </ul>
 *
 * <h2>Deviations from the paper and google-research/simclr ({@code objective.py},
 * {@code add_contrastive_loss}); each is marked {@code // DEVIATION:} where it happens</h2>
 * <ul>
 *   <li><b>Loss scale.</b> {@code NtXentLoss} returns the mean over the 2N anchors, as Algorithm 1
 *       writes it. The TF code returns {@code loss_a + loss_b}, the sum of the two views' batch
 *       means, i.e. twice this value and twice the gradient (a factor a learning rate absorbs;
 *       {@code NtXentLossTest.officialTfObjectiveIsTwiceTheAlgorithm1Mean} pins the relation).</li>
 *   <li><b>Self-similarity mask.</b> The TF code subtracts {@code LARGE_NUM = 1e9} from the
 *       diagonal logits; here the diagonal's exponential is set to exactly 0 (or its logit to
 *       -inf on the small-temperature path). Same softmax: {@code exp(-1e9)} is 0 in float.</li>
 *   <li><b>No max shift.</b> When {@code 1/tau + ln(2N)} fits the data type's exponent range
 *       ({@link io.sslbench.core.loss.CosineLogits}), the exponentials are taken of the raw logits
 *       (cosine similarities bound them by {@code 1/tau}); the TF softmax cross entropy shifts by
 *       the row maximum. Equal up to rounding; below that temperature the row-max path is used.</li>
 *   <li><b>Normalisation epsilon.</b> Norms are clamped at 1e-12 (torch's {@code normalize});
 *       {@code tf.math.l2_normalize} clamps the squared norm at 1e-12, so rows with a norm under
 *       1e-6 are scaled differently. No effect on real embeddings.</li>
 *   <li><b>Single replica.</b> Negatives come from the batch passed in. The TF code gathers
 *       {@code hidden1_large/hidden2_large} across TPU replicas; on one device the two agree.</li>
 *   <li><b>Fixed options.</b> {@code hidden_norm} is always on (the official default) and there is
 *       no per-example {@code weights} argument (the official default 1.0).</li>
 * </ul>
 *
 * <h2>Method-level deviations (the method class {@link io.sslbench.simclr.SimClr}; also reported with every result via {@code deviations()})</h2>
 * <ul>
 *   <li>BN statistics of the projection head are computed over both views together (2N rows), as the official TF code's concatenated batch; the encoder likewise (no per-replica BN).</li>
 *   <li>The final projection layer is followed by a BN with scale/shift as in the official code's proj_out; lightly's head omits it.</li>
 *   <li>CIFAR presets use ResNet-18 (CIFAR stem) by default instead of ResNet-50; epochs and batch are scaled to CPU budgets in the quick/short suites.</li>
 *   <li>SimCLR v2's optional MoCo-style memory of negatives is not implemented.</li>
 * </ul>
 */
package io.sslbench.simclr;
