/**
 * SimSiam (Chen and He 2021, "Exploring Simple Siamese Representation Learning"), checked against
 * the official code (github.com/facebookresearch/simsiam: {@code builder.py}, {@code main_simsiam.py}).
 *
 * <p>{@link io.sslbench.simsiam.SimSiamLoss}: {@code D(p1, sg(z2))/2 + D(p2, sg(z1))/2} with
 * {@code D = -mean cosine}; the stop-gradient is a flag so the paper's collapse ablation can be run.
 *
 * <h2>Deviations</h2>
 * The one list of this module's deviations from the paper and the official code is the {@code deviations}
 * section of its card, {@code src/main/resources/sslbench/methods/simsiam.yaml} (the report and every result
 * row read it; each is marked {@code // DEVIATION} where it happens); the method adds the ones a run's config
 * causes ({@code configDeviations()}).
 */
package io.sslbench.simsiam;
