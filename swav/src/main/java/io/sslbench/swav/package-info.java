/**
 * SwAV (Caron et al. 2020, "Unsupervised Learning of Visual Features by Contrasting Cluster
 * Assignments"), checked against the official code (github.com/facebookresearch/swav,
 * {@code main_swav.py}: the loss block of {@code train()} and {@code distributed_sinkhorn}).
 *
 * <p>{@link io.sslbench.swav.SinkhornKnopp}: equipartitioned codes (optionally sharing the
 * constraint with a queue); {@link io.sslbench.swav.SwavLoss}: the swapped prediction over multi-crop
 * views, value and gradient with respect to the prototype scores.
 *
 * <p>Deviations from the official code:
 * <ul>
 *   <li>Sinkhorn-Knopp runs in DOUBLE (codes returned in the input's type); the official code runs in
 *       the network output's type (float32, or under apex fp16 whatever amp chooses). The sslbench brief
 *       asked for double; it only removes rounding.</li>
 *   <li>The global maximum of scores/eps is subtracted before exp. The official code does not; a common
 *       factor cancels in the first normalisation, so only overflow behaviour differs (official: inf/NaN
 *       when scores/eps exceeds ~88 in float32; here: finite for any finite scores).</li>
 *   <li>A sample or prototype whose mass underflows to zero raises an IllegalArgumentException naming
 *       the cause, where the official code would propagate NaN.</li>
 *   <li>World size is 1: the {@code dist.all_reduce} calls are identities; the "world" of a batch is its
 *       B rows, or the queue's Q rows followed by the B rows ({@code SinkhornKnopp.codes(world, B, ...)}).</li>
 *   <li>When to start using the queue (official: once its last row is non-zero, after
 *       {@code epoch_queue_starts}) and filling it are the caller's job: {@code SwavLoss} uses the queue
 *       scores it is given, or none.</li>
 * </ul>
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
 * <p>Benchmarks: {@code bench.SwavLossBench} (JMH); run with
 * {@code java -cp swav/target/classes:<runtime classpath> org.openjdk.jmh.Main SwavLossBench}.
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
 * <h2>Method-level deviations (the method class {@link io.sslbench.swav.Swav}; also reported with every result via {@code deviations()})</h2>
 * <ul>
 *   <li>Crops of one resolution are one chunk through the whole network, the projection head included: the backbone's BN statistics are over all crops of one resolution, as the official code's per-resolution forward_backbone (with its default global SyncBN), but the projection head's BN statistics are also per resolution (the global crops, then the small crops), where the official forward_head runs once over the features of all crops concatenated (resnet50.py forward). Only with small crops (method.smallCrops > 0); with the 2 global crops alone there is one chunk and the head sees all crops, as the official code.</li>
 *   <li>Sinkhorn-Knopp runs on one process (no all-reduce of the marginals), as with a single GPU.</li>
 *   <li>The queue is a ring buffer per assignment crop (order is irrelevant to Sinkhorn); it is used once full, like the official code's 'use_the_queue'.</li>
 *   <li>CIFAR multi-crop sizes: 2x32 (scale 0.14-1) + Nx16 (scale 0.05-0.14); ResNet-18 CIFAR stem.</li>
 * </ul>
 */
package io.sslbench.swav;
