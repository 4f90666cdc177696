package io.sslbench.byol;

import io.sslbench.core.loss.Cosine;
import io.sslbench.core.loss.LossArgs;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.loss.TwoViews;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BYOL's symmetric regression loss (Grill et al. 2020, eq. 2 and its symmetrised form).
 *
 * <p>With {@code p = [p1; p2]} the online predictions and {@code z' = [z'1; z'2]} the (detached)
 * target projections of the two views,
 * <pre>
 *   L = mean_i ||p^1_i - z^'2_i||^2 + mean_i ||p^2_i - z^'1_i||^2
 *     = mean_i (2 - 2 cos(p1_i, z'2_i)) + mean_i (2 - 2 cos(p2_i, z'1_i))
 *     = 4 - (2/N) sum_{i<2N} cos(p_i, swap(z')_i)
 * </pre>
 * where {@code ^} is l2 normalisation ({@link Cosine}). The two terms are SUMMED, as DeepMind's
 * {@code byol_experiment.py} does ({@code repr_loss = regression_loss(v1, v2) + regression_loss(v2, v1)},
 * then the batch mean). Averaging them instead halves every gradient: lightly shipped that and found it
 * in lightly-ai/lightly#1286 (ResNet-50 ImageNet linear top-1 51.4% -> 62.4% once summed).
 */
public final class ByolLoss {
    private ByolLoss() {}

    /**
     * @param p       [2N,D] online predictions, rows [view1; view2] (not modified)
     * @param zTarget [2N,D] target projections, rows [view1; view2], same data type (not modified;
     *                detached: receives no gradient)
     * @return value {@code L} (in [0, 8]) and gradients {@code {dL/dp, null}}; {@code dL/dp} has p's
     *         shape and data type: {@code -(2/N) (z^_i - cos_i p^_i) / ||p_i||} with z the swapped target
     */
    public static LossResult compute(INDArray p, INDArray zTarget) {
        long n = LossArgs.requireTwoViews("p", p);
        LossArgs.requireTwoViews("zTarget", zTarget);
        LossArgs.requireSameShape("p", p, "zTarget", zTarget);
        LossArgs.requireSameType("p", p, "zTarget", zTarget);
        // row i of p (view v of sample s) is compared with the target of the other view of sample s.
        // DEVIATION: norms clamped at 1e-12 (F.normalize) where DeepMind's l2_normalize clamps the squared
        // norm at 1e-12, and 2 - 2cos instead of ||p^ - z^||^2; identical unless a row norm is below 1e-6.
        Cosine.Similarity s = Cosine.rowCosine(p, TwoViews.swap(zTarget));
        double w = -2.0 / n; // dL/dcos_i
        double value = 4.0 + w * s.sum();
        return new LossResult(value, s.gradA(w), null);
    }
}
