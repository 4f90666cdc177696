/**
 * SimSiam (Chen and He 2021, "Exploring Simple Siamese Representation Learning"), checked against
 * the official code (github.com/facebookresearch/simsiam: {@code builder.py}, {@code main_simsiam.py}).
 *
 * <p>{@link io.sslbench.simsiam.SimSiamLoss}: {@code D(p1, sg(z2))/2 + D(p2, sg(z1))/2} with
 * {@code D = -mean cosine}; the stop-gradient is a flag so the paper's collapse ablation can be run.
 *
 * <p>Deviations from the official code:
 * <ul>
 *   <li>cosine clamping: {@code nn.CosineSimilarity(dim=1)} uses eps=1e-8 (current PyTorch clamps each
 *       norm at eps, older versions clamped the product of the norms); we clamp each norm at 1e-12
 *       as {@code F.normalize} does, through core's {@link io.sslbench.core.loss.Cosine}. Only rows with
 *       norm (or product of norms) below 1e-8 can differ.</li>
 * </ul>
 *
 * <h2>Method-level deviations (the method class {@link io.sslbench.simsiam.SimSiam}; also reported with every result via {@code deviations()})</h2>
 * <ul>
 *   <li>BN per view ({@code method.bnPerView}, default true as the official code, which forwards each view
 *       separately through SyncBN layers): both views are one [view1; view2] batch whose halves every BN layer
 *       normalises with their own statistics; over one device. The running statistics take one step towards the
 *       average of the two views' statistics where the official code takes two (one per view).</li>
 *   <li>CIFAR presets use ResNet-18 with the CIFAR stem and a 2-layer projector, as the paper's CIFAR appendix; quick suites use a smaller backbone and width.</li>
 * </ul>
 */
package io.sslbench.simsiam;
