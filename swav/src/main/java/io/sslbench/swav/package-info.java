/**
 * SwAV (Caron et al. 2020, "Unsupervised Learning of Visual Features by Contrasting Cluster
 * Assignments"), checked against the official code (github.com/facebookresearch/swav,
 * {@code main_swav.py}: the loss block of {@code train()} and {@code distributed_sinkhorn}).
 *
 * <p>{@link io.sslbench.swav.SinkhornKnopp}: equipartitioned codes (optionally sharing the
 * constraint with a queue); {@link io.sslbench.swav.SwavLoss}: the swapped prediction over multi-crop
 * views, value and gradient with respect to the prototype scores.
 *
 * <p>Implementation notes (same mathematics, different evaluation order; the tests compare both with
 * loop transcriptions of the official code to 1e-10 or better):
 * <ul>
 *   <li>Sinkhorn is evaluated on the scaling vectors: {@code Q = diag(u) E diag(v)} throughout, each
 *       half-iteration is one matrix-vector product, and only the returned rows are formed.</li>
 *   <li>The (assignment crop, predicted crop) double loop is one whole-matrix pass: a target matrix
 *       holding, for each predicted crop, the sum of the other assignment crops' codes, one exp and one
 *       log-sum-exp over all crops, and the gradient {@code softmax * rowsum(T) - T}.</li>
 * </ul>
 *
 * <p>Benchmarks: {@code bench.SwavLossBench} (JMH, in the test sources); run with
 * {@code bench/jmh.sh swav SwavLossBench}.
 *
 * <p>Collapse: {@link io.sslbench.swav.Swav} reports {@code codeEntropy}, the mean normalised entropy of its
 * codes ({@link io.sslbench.swav.SwavLoss#normalizedEntropy}), with every step, and a run whose last-epoch mean
 * reaches 0.99 is flagged collapsed: its codes are the uniform assignment the paper (Sec. 3.1) names as the
 * trivial solution of a too-large epsilon. Measured at the quick scale (48 steps, 2 crops): epsilon 0.03 ends at
 * 0.76 (0.80 with 2+2 crops), epsilon 0.3 at 0.9992 and epsilon 1.0 at 0.9999 (their loss at or above
 * log K). The quick suite's {@code swav-epsilon} grid checks both sides in the regression gate.
 *
 * <h2>CPU-scale suite settings (eval's quick, demo and cpu-hour suites; marked DEVIATION there)</h2>
 * <ul>
 *   <li>2 crops and Sinkhorn {@code epsilon} 0.03 instead of 2+N crops and 0.05. Over a few hundred steps of a
 *       small backbone the prototype scores of a batch differ by only ~0.07 across samples, so 0.05 gives
 *       soft codes, and the 16x16 small crops (5-14% of a 32x32 image) agree too little with the global
 *       crops; training then moves towards the uniform assignment that the paper (Sec. 3.1) names as the
 *       trivial solution of a too-large epsilon. Measured at 384 steps (cpu-hour, seed 0, kNN floor 25.8%):
 *       paper crops and epsilon 28.2% (mean code entropy rising from 0.86 to 0.94 of log K), plus a queue of
 *       1024 27.3%, 2 crops 29.5%, 2 crops and epsilon 0.03 31.9% (loss falling steadily, output std 0.83
 *       of 1/sqrt(d)). The bundled {@code swav-cifar10} config and the short and paper suites keep the
 *       paper's values; the {@code swav-multicrop} grid still compares 0 and 2 small crops.</li>
 * </ul>
 *
 * <h2>Deviations</h2>
 * The one list of this module's deviations from the paper and the official code is the {@code deviations}
 * section of its card, {@code src/main/resources/sslbench/methods/swav.yaml} (the report and every result
 * row read it; each is marked {@code // DEVIATION} where it happens); the method adds the ones a run's config
 * causes ({@code configDeviations()}).
 */
package io.sslbench.swav;
