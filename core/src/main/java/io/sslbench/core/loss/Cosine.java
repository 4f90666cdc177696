package io.sslbench.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.factory.Nd4j;
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

    /** Row-wise dot product of two [N,D] matrices, as a [N,1] column (no [N,D] temporary). */
    static INDArray rowDot(INDArray a, INDArray b) {
        return Nd4j.getExecutioner().exec(new Dot(a, b, 1)).reshape(a.size(0), 1);
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
            return a.cosineBackward(b.unit(), cos, a.invNorm().mul(w));
        }

        /** As {@link #gradA(double)} for the second argument: {@code w (a^_i - cos_i b^_i) / ||b_i||}. */
        public INDArray gradB(double w) {
            return b.cosineBackward(a.unit(), cos, b.invNorm().mul(w));
        }

        /**
         * {@code dL/da} for per-row weights {@code dL/dcos_i = w_i}.
         *
         * @param w [N] or [N,1] weights
         * @return new [N,D] gradient with respect to {@code a}
         */
        public INDArray gradA(INDArray w) {
            return a.cosineBackward(b.unit(), cos, column(w).muli(a.invNorm()));
        }

        /** As {@link #gradA(INDArray)} for the second argument. */
        public INDArray gradB(INDArray w) {
            return b.cosineBackward(a.unit(), cos, column(w).muli(b.invNorm()));
        }

        private INDArray column(INDArray w) {
            if (w.length() != cos.length()) {
                throw new IllegalArgumentException("similarity weights have " + w.length()
                        + " entries, expected one per row (" + cos.length() + ")");
            }
            return w.reshape(cos.length(), 1).castTo(cos.dataType()).dup();
        }
    }

    /**
     * Rows of {@code x} divided by their clamped norms, with what the backward pass needs.
     *
     * @param unit    [N,D] {@code x_i / max(||x_i||, EPS)}
     * @param invNorm [N,1] {@code 1 / max(||x_i||, EPS)}
     * @param active  [N,1] 1 where {@code ||x_i|| > EPS} (the norm carries gradient), else 0; {@code null}
     *                when every row is active (the common case, which then skips the masking)
     */
    public record Normalized(INDArray unit, INDArray invNorm, INDArray active) {
        /** The shared normalisation ({@link L2Normalize}), in the shape the cosine code uses. */
        static Normalized of(String name, INDArray x) {
            LossArgs.requireFloatingMatrix(name, x);
            L2Normalize.Normalized n = L2Normalize.forward(x, name);
            INDArray denom = n.denom().reshape(n.denom().length(), 1);
            INDArray active = n.clamped() ? denom.gt(EPS).castTo(x.dataType()) : null;
            return new Normalized(n.unit(), denom.rdiv(1.0), active);
        }

        /** {@code dL/dx} from {@code g = dL/d unit} (see {@link L2Normalize#backwardInPlace}); g is not modified. */
        INDArray backward(INDArray g) {
            INDArray denom = invNorm.rdiv(1.0);
            return L2Normalize.backwardInPlace(new L2Normalize.Normalized(unit, denom.reshape(denom.length()),
                    active != null), g.dup());
        }

        /**
         * {@link #backward} specialised to {@code g_i = s_i other_i} with {@code cos_i = unit_i . other_i}
         * (so {@code unit_i . g_i = s_i cos_i}), in one allocation:
         * {@code (other_i - unit_i cos_i active_i) * scale_i} where {@code scale_i = s_i / max(||x_i||, EPS)}.
         *
         * @param other [N,D] the other argument's unit rows
         * @param cos   [N,1] the similarities
         * @param scale [N,1] {@code s_i / max(||x_i||, EPS)}
         */
        INDArray cosineBackward(INDArray other, INDArray cos, INDArray scale) {
            INDArray c = active == null ? cos : cos.mul(active);
            return unit.mulColumnVector(c).rsubi(other).muliColumnVector(scale);
        }
    }
}
