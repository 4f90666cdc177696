package io.sslbench.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Row-wise l2 normalisation and row-wise cosine similarity, with their backward passes: the shared
 * building block of the cosine losses (BYOL, SimSiam) and of feature normalisation before prototypes
 * (SwAV).
 *
 * <p>Epsilon follows PyTorch's {@code F.normalize(x, dim=1, eps=1e-12)}: every row is divided by
 * {@code max(||x_i||_2, EPS)} with {@code EPS = 1e-12}, so an all-zero row maps to zero instead of NaN.
 * In the backward pass a row whose norm is clamped is treated as a division by the constant EPS
 * (no gradient through the norm), exactly what autograd does for {@code clamp_min}. Note that other
 * official codes clamp differently: DeepMind's BYOL {@code l2_normalize} clamps the <em>squared</em>
 * norm at 1e-12 (norm at 1e-6) and PyTorch's {@code nn.CosineSimilarity} (SimSiam) uses eps=1e-8; the
 * three agree for every row whose norm exceeds 1e-6.
 *
 * <p>All functions are pure: inputs are never modified; outputs have the input's data type
 * (FLOAT or DOUBLE).
 */
public final class Cosine {
    /** Lower clamp of a row norm, as {@code F.normalize}'s default {@code eps}. */
    public static final double EPS = 1e-12;

    private Cosine() {}

    /**
     * Row-wise l2 normalisation {@code y_i = x_i / max(||x_i||_2, EPS)}.
     *
     * @param x [N,D] floating matrix (not modified)
     * @return new [N,D] matrix of the same data type
     */
    public static INDArray normalizeRows(INDArray x) {
        return Normalized.of("x", x).unit();
    }

    /**
     * Backward pass of {@link #normalizeRows}: given {@code g = dL/dy} returns {@code dL/dx}:
     * {@code dL/dx_i = (g_i - y_i (y_i . g_i)) / ||x_i||} where {@code ||x_i|| > EPS}, and
     * {@code g_i / EPS} for rows whose norm is clamped.
     *
     * @param x                 [N,D] input of the normalisation (not modified)
     * @param gradWrtNormalized [N,D] gradient with respect to the normalised rows (not modified)
     * @return new [N,D] gradient with respect to {@code x}
     */
    public static INDArray normalizeRowsBackward(INDArray x, INDArray gradWrtNormalized) {
        Normalized n = Normalized.of("x", x);
        LossArgs.requireFloatingMatrix("gradWrtNormalized", gradWrtNormalized);
        LossArgs.requireSameShape("x", x, "gradWrtNormalized", gradWrtNormalized);
        LossArgs.requireSameType("x", x, "gradWrtNormalized", gradWrtNormalized);
        return n.backward(gradWrtNormalized);
    }

    /**
     * Row-wise cosine similarity {@code cos_i = (a_i . b_i) / (max(||a_i||,EPS) max(||b_i||,EPS))}
     * (PyTorch: {@code (F.normalize(a) * F.normalize(b)).sum(1)}), keeping what its backward pass needs.
     *
     * @param a [N,D] floating matrix (not modified)
     * @param b [N,D] matrix of the same shape and data type (not modified)
     * @return the similarities and their gradients
     */
    public static Similarity rowCosine(INDArray a, INDArray b) {
        Normalized na = Normalized.of("a", a);
        Normalized nb = Normalized.of("b", b);
        LossArgs.requireSameShape("a", a, "b", b);
        LossArgs.requireSameType("a", a, "b", b);
        INDArray cos = rowDot(na.unit(), nb.unit());
        return new Similarity(cos, na, nb);
    }

    /** Row-wise dot product of two [N,D] matrices, as a [N,1] column. */
    static INDArray rowDot(INDArray a, INDArray b) {
        return a.mul(b).sum(true, 1);
    }

    /**
     * Row-wise cosine similarities with what their backward pass needs.
     *
     * @param cos [N,1] column of {@code cos_i}
     * @param a   the normalised first argument
     * @param b   the normalised second argument
     */
    public record Similarity(INDArray cos, Normalized a, Normalized b) {
        /** @return the sum of the N similarities, in double */
        public double sum() {
            return cos.sumNumber().doubleValue();
        }

        /**
         * {@code dL/da} for {@code dL/dcos_i = w} (the same weight for every row):
         * {@code w (b^_i - cos_i a^_i) / ||a_i||}.
         *
         * @param w weight of every similarity in the loss
         * @return new [N,D] gradient with respect to {@code a}
         */
        public INDArray gradA(double w) {
            return a.backwardGivenDot(b.unit().mul(w), cos.mul(w));
        }

        /** As {@link #gradA(double)} for the second argument: {@code w (a^_i - cos_i b^_i) / ||b_i||}. */
        public INDArray gradB(double w) {
            return b.backwardGivenDot(a.unit().mul(w), cos.mul(w));
        }

        /**
         * {@code dL/da} for per-row weights {@code dL/dcos_i = w_i}.
         *
         * @param w [N] or [N,1] weights
         * @return new [N,D] gradient with respect to {@code a}
         */
        public INDArray gradA(INDArray w) {
            INDArray col = column(w);
            return a.backwardGivenDot(b.unit().mulColumnVector(col), cos.mul(col));
        }

        /** As {@link #gradA(INDArray)} for the second argument. */
        public INDArray gradB(INDArray w) {
            INDArray col = column(w);
            return b.backwardGivenDot(a.unit().mulColumnVector(col), cos.mul(col));
        }

        private INDArray column(INDArray w) {
            if (w.length() != cos.length()) {
                throw new IllegalArgumentException("similarity weights have " + w.length()
                        + " entries, expected one per row (" + cos.length() + ")");
            }
            return w.reshape(cos.length(), 1).castTo(cos.dataType());
        }
    }

    /**
     * Rows of {@code x} divided by their clamped norms, with what the backward pass needs.
     *
     * @param unit    [N,D] {@code x_i / max(||x_i||, EPS)}
     * @param invNorm [N,1] {@code 1 / max(||x_i||, EPS)}
     * @param active  [N,1] 1 where {@code ||x_i|| > EPS} (the norm carries gradient), else 0
     */
    public record Normalized(INDArray unit, INDArray invNorm, INDArray active) {
        static Normalized of(String name, INDArray x) {
            LossArgs.requireFloatingMatrix(name, x);
            INDArray norms = x.norm2(true, 1);
            INDArray active = norms.gt(EPS).castTo(x.dataType());
            INDArray invNorm = Transforms.max(norms, EPS, false).rdivi(1.0);
            return new Normalized(x.mulColumnVector(invNorm), invNorm, active);
        }

        /** {@code dL/dx} from {@code g = dL/d unit}: {@code (g - unit (unit . g) active) / norm}. */
        INDArray backward(INDArray g) {
            return backwardGivenDot(g.dup(), rowDot(unit, g));
        }

        /**
         * The backward formula when {@code unit_i . g_i} is already known.
         *
         * @param g   [N,D] gradient w.r.t. unit, overwritten with the result
         * @param dot [N,1] {@code unit_i . g_i}, overwritten
         */
        INDArray backwardGivenDot(INDArray g, INDArray dot) {
            return g.subi(unit.mulColumnVector(dot.muli(active))).muliColumnVector(invNorm);
        }
    }
}
