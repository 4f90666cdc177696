/**
 * BYOL (Grill et al. 2020, "Bootstrap Your Own Latent"), checked against DeepMind's official code
 * (github.com/deepmind/deepmind-research, {@code byol/}).
 *
 * <p>{@link io.sslbench.byol.ByolLoss}: the symmetric regression loss, both terms summed as in
 * {@code byol_experiment.py}.
 *
 * <p>Matched, not deviations ({@link io.sslbench.byol.ByolConfig}): biases and BN parameters are excluded from weight
 * decay and LARS adaptation ({@code byol_experiment.py}: {@code exclude_bias_and_norm} for both filters); the last BN
 * of each bottleneck block starts at gamma 0 ({@code method.zeroInitResidual: bottleneck}), as Haiku's {@code BlockV1}
 * that {@code utils/networks.py} builds on ({@code scale_init=jnp.zeros} on {@code batchnorm_2}, which only bottleneck
 * blocks have: ResNet-18's basic blocks keep gamma 1). The BYOL README says the paper's numbers were obtained without
 * this initialisation (gamma 1 everywhere): {@code method.zeroInitResidual: none} gives that, and is then reported
 * as a deviation from the code.
 *
 * <h2>Deviations</h2>
 * The one list of this module's deviations from the paper and the official code is the {@code deviations}
 * section of its card, {@code src/main/resources/sslbench/methods/byol.yaml} (the report and every result
 * row read it; each is marked {@code // DEVIATION} where it happens); the method adds the ones a run's config
 * causes ({@code configDeviations()}).
 */
package io.sslbench.byol;
