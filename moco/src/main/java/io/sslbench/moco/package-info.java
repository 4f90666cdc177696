/**
 * MoCo (He et al. 2020, "Momentum Contrast for Unsupervised Visual Representation Learning"; v2:
 * Chen et al. 2020; official code facebookresearch/moco).
 *
 * <h2>Contents</h2>
 * <ul>
 *   <li>{@link io.sslbench.moco.InfoNceLoss}: the InfoNCE loss of Algorithm 1 with a queue of
 *       negatives and its gradient with respect to the un-normalised queries.</li>
 *   <li>The queue itself is {@link io.sslbench.core.engine.FeatureQueue} (in core, as other
 *       queue-based methods can share it); its deviations are in the card's list.</li>
 * </ul>
 *
 * <h2>Deviations</h2>
 * The one list of this module's deviations from the paper and the official code is the {@code deviations}
 * section of its card, {@code src/main/resources/sslbench/methods/moco-v1.yaml} (the report and every result
 * row read it; each is marked {@code // DEVIATION} where it happens); the method adds the ones a run's config
 * causes ({@code configDeviations()}).
 */
package io.sslbench.moco;
