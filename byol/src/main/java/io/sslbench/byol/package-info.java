/**
 * BYOL (Grill et al. 2020, "Bootstrap Your Own Latent"), checked against DeepMind's official code
 * (github.com/deepmind/deepmind-research, {@code byol/}).
 *
 * <p>{@link io.sslbench.byol.ByolLoss}: the symmetric regression loss, both terms summed as in
 * {@code byol_experiment.py}.
 *
 * <p>Deviations from the official code:
 * <ul>
 *   <li>l2 normalisation clamps the row norm at 1e-12 ({@code F.normalize}, via core's
 *       {@link io.sslbench.core.loss.Cosine}); DeepMind's {@code helpers.l2_normalize} clamps the
 *       squared norm at 1e-12, i.e. the norm at 1e-6. Only rows with norm below 1e-6 differ.</li>
 *   <li>the loss is computed as {@code 2 - 2 cos} rather than {@code ||p^ - z^||^2}: equal for unit rows;
 *       they differ only for clamped (near-zero) rows, and the cosine form has the cheaper backward.</li>
 * </ul>
 *
 * <h2>Method-level deviations (the method class {@link io.sslbench.byol.Byol}; also reported with every result via {@code deviations()})</h2>
 * <ul>
 *   <li>Both views pass through the online and target networks as one batch, so BN statistics are over 2N rows; the official JAX code forwards each view separately.</li>
 *   <li>The target's BN running statistics are EMA-averaged with its weights (DL4J keeps them among the parameters); only batch statistics of the target are used in training.</li>
 *   <li>CIFAR presets use ResNet-18 with the CIFAR stem; LARS excludes biases and BN parameters from adaptation and weight decay, as the paper.</li>
 * </ul>
 */
package io.sslbench.byol;
