package io.sslbench.example;

import io.sslbench.core.loss.L2Normalize;
import io.sslbench.core.loss.LossResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Wang &amp; Isola (ICML 2020), Sec. 4: on l2-normalised embeddings {@code u = z / ||z||} of two views,
 * <pre>
 *   L = w_a * L_align + w_u * (L_unif(u1) + L_unif(u2)) / 2
 *   L_align = mean_i ||u1_i - u2_i||^alpha
 *   L_unif(u) = log( mean_{i &lt; j} exp(-t ||u_i - u_j||^2) )
 * </pre>
 * (the official {@code align_loss} and {@code uniform_loss}: {@code (x - y).norm(dim=1).pow(alpha).mean()} and
 * {@code torch.pdist(x).pow(2).mul(-t).exp().mean().log()}).
 *
 * <p>Gradients: {@code dL_align/du1_i = (alpha/N) ||d_i||^(alpha-2) d_i} with {@code d_i = u1_i - u2_i} (the norm clamped
 * at 1e-12 where alpha &lt; 2); with {@code E_ij = exp(-t ||u_i - u_j||^2)} off the diagonal and {@code S = sum_{i<j} E_ij},
 * {@code dL_unif/du_i = -(2t/S) (sum_j E_ij u_i - sum_j E_ij u_j)}; then back through the normalisation.
 */
public final class AlignUniformLoss {
    private AlignUniformLoss() {}

    /**
     * @param z       [2N, d] head outputs, rows {@code [view1; view2]}, N &gt;= 2, any float type
     * @param alignW  weight of the alignment term
     * @param unifW   weight of the uniformity term (applied to the mean of the two views' terms)
     * @param alpha   exponent of the alignment distance, &gt; 0
     * @param t       temperature of the uniformity kernel, &gt; 0
     * @return the loss and dL/dz, [2N, d]
     */
    public static LossResult compute(INDArray z, double alignW, double unifW, double alpha, double t) {
        L2Normalize.requireMatrix(z, "z");
        if (z.size(0) % 2 != 0 || z.size(0) < 4) {
            throw new IllegalArgumentException("z must stack two views of N >= 2 rows each, got " + z.size(0) + " rows");
        }
        long n = z.size(0) / 2;
        L2Normalize.Normalized norm = L2Normalize.forward(z, "z");
        INDArray u = norm.unit();
        INDArray u1 = u.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        INDArray u2 = u.get(NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all());

        INDArray diff = u1.sub(u2);
        INDArray dist = Transforms.max(diff.norm2(1), 1e-12, false);
        double align = Transforms.pow(dist, alpha, true).meanNumber().doubleValue();
        INDArray gDiff = diff.mulColumnVector(Transforms.pow(dist, alpha - 2, true).muli(alpha / n));

        INDArray g = Nd4j.zerosLike(u);
        double unif = 0;
        for (int v = 0; v < 2; v++) {
            INDArray uv = v == 0 ? u1 : u2;
            INDArray gram = uv.mmul(uv.transpose());
            // ||u_i - u_j||^2 = 2 - 2 u_i.u_j for unit rows; clamped at 0 against rounding
            INDArray e = Transforms.exp(Transforms.max(gram.rsub(1).muli(2), 0, false).muli(-t), false);
            e.subi(Nd4j.diag(Nd4j.diag(e)));
            double s = e.sumNumber().doubleValue() / 2;
            unif += Math.log(s / (n * (n - 1) / 2.0));
            INDArray gv = uv.mulColumnVector(e.sum(1)).subi(e.mmul(uv)).muli(-2 * t / s * unifW / 2);
            g.get(NDArrayIndex.interval(v * n, (v + 1) * n), NDArrayIndex.all()).assign(gv);
        }
        g.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).addi(gDiff.mul(alignW));
        g.get(NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all()).subi(gDiff.muli(alignW));
        double loss = alignW * align + unifW * unif / 2;
        return new LossResult(loss, L2Normalize.backwardInPlace(norm, g));
    }
}
