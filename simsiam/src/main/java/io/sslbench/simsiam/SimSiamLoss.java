package io.sslbench.simsiam;

import io.sslbench.core.loss.Cosine;
import io.sslbench.core.loss.LossArgs;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.loss.TwoViews;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SimSiam's symmetrised negative-cosine loss (Chen and He 2021, Algorithm 1):
 * <pre>
 *   D(p, z) = -mean_i cos(p_i, z_i)
 *   L = D(p1, sg(z2)) / 2 + D(p2, sg(z1)) / 2 = -(1/(2N)) sum_{i<2N} cos(p_i, swap(z)_i)
 * </pre>
 * as in the official {@code main_simsiam.py}: {@code loss = -(criterion(p1, z2).mean() +
 * criterion(p2, z1).mean()) * 0.5} with {@code criterion = nn.CosineSimilarity(dim=1)} and z detached
 * in {@code builder.py}. {@code L} lies in [-1, 1]; -1 when every prediction points along the other
 * view's projection.
 */
public final class SimSiamLoss {
    private SimSiamLoss() {}

    /**
     * @param p            [2N,D] predictor outputs, rows [view1; view2] (not modified)
     * @param z            [2N,D] projector outputs, rows [view1; view2], same data type (not modified)
     * @param stopGradient true for the paper's method (z detached); false for the "w/o stop-gradient"
     *                     ablation of the paper's Figure 2, which collapses
     * @return value {@code L} and gradients {@code {dL/dp, dL/dz}}; {@code dL/dz} is {@code null} when
     *         {@code stopGradient} is true. With w = -1/(2N): {@code dL/dp_i = w (z^_i' - cos_i p^_i) / ||p_i||}
     *         where i' pairs row i with the other view; {@code dL/dz} is the same with p and z exchanged
     */
    public static LossResult compute(INDArray p, INDArray z, boolean stopGradient) {
        long n = LossArgs.requireTwoViews("p", p);
        LossArgs.requireTwoViews("z", z);
        LossArgs.requireSameShape("p", p, "z", z);
        LossArgs.requireSameType("p", p, "z", z);
        // DEVIATION: nn.CosineSimilarity clamps with eps=1e-8 (each norm in current PyTorch, the product of
        // the norms in older versions); core's Cosine clamps each norm at 1e-12 (F.normalize). Identical unless
        // a row norm (or, in old PyTorch, a product of norms) is below 1e-8.
        Cosine.Similarity s = Cosine.rowCosine(p, TwoViews.swap(z));
        double w = -1.0 / (2.0 * n); // dL/dcos_i
        double value = w * s.sum();
        INDArray dz = stopGradient ? null : TwoViews.swap(s.gradB(w)); // gradient w.r.t. swap(z) -> w.r.t. z
        return new LossResult(value, s.gradA(w), dz);
    }
}
