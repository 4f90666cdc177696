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
 * <p>Matched, not deviations ({@link io.sslbench.byol.ByolConfig}): biases and BN parameters are excluded from weight
 * decay and LARS adaptation ({@code byol_experiment.py}: {@code exclude_bias_and_norm} for both filters); the last BN
 * of each bottleneck block starts at gamma 0 ({@code method.zeroInitResidual: bottleneck}), as Haiku's {@code BlockV1}
 * that {@code utils/networks.py} builds on ({@code scale_init=jnp.zeros} on {@code batchnorm_2}, which only bottleneck
 * blocks have: ResNet-18's basic blocks keep gamma 1). The BYOL README says the paper's numbers were obtained without
 * this initialisation (gamma 1 everywhere): {@code method.zeroInitResidual: none} gives that, and is then reported
 * as a deviation from the code.
 *
 * <h2>Method-level deviations (the method class {@link io.sslbench.byol.Byol}; also reported with every result via {@code deviations()})</h2>
 * <ul>
 *   <li>BN per view ({@code method.bnPerView}, default true as the official code, which forwards each view
 *       separately): both views pass through the networks as one [view1; view2] batch whose halves every BN layer
 *       normalises with their own statistics; over one device, not cross-replica. The running statistics take one
 *       step towards the average of the two views' statistics where the official code takes two (one per view).</li>
 *   <li>The target's BN running statistics are EMA-averaged with its weights (DL4J keeps them among the parameters); only batch statistics of the target are used in training.</li>
 *   <li>CIFAR presets use ResNet-18 with the CIFAR stem; LARS excludes biases and BN parameters from adaptation and weight decay, as the paper.</li>
 * </ul>
 */
package io.sslbench.byol;
