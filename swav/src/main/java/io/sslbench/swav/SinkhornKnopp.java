package io.sslbench.swav;

import io.sslbench.core.loss.LossArgs;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * SwAV's equipartitioned soft assignments ("codes") by Sinkhorn-Knopp, as {@code distributed_sinkhorn}
 * in facebookresearch/swav {@code main_swav.py} on one process (world size 1).
 *
 * <p>With scores {@code S} [B,K] (samples x prototypes), the official code works on
 * {@code Q = exp(S / eps)^T} [K,B]: it divides Q by its total, then {@code iterations} times divides each
 * row (prototype) by its sum and by K, and each column (sample) by its sum and by B, and finally
 * multiplies by B, so that every sample's codes sum to 1. The result is returned as [B,K].
 * After the last (column) step the per-sample marginals are exact while the per-prototype marginals are
 * only approximately B/K: equipartition is approached as the iterations grow.
 *
 * <p>Computed in DOUBLE whatever the input type, the result cast back to the input's type. The loop
 * is evaluated on scaling vectors (two matrix-vector products per iteration, see
 * {@code sinkhornLastRows}); the result equals the official matrix iteration up to rounding.
 */
public final class SinkhornKnopp {
    private SinkhornKnopp() {}

    /**
     * Codes of a batch.
     *
     * @param scores     [B,K] prototype scores (FLOAT or DOUBLE; not modified)
     * @param epsilon    entropic regularisation, > 0 (paper: 0.05)
     * @param iterations Sinkhorn iterations, >= 1 (paper: 3)
     * @return [B,K] codes in the input's data type; each row sums to 1
     */
    public static INDArray codes(INDArray scores, double epsilon, int iterations) {
        LossArgs.requireFloatingMatrix("scores", scores);
        return codes(scores, (int) scores.size(0), epsilon, iterations);
    }

    /**
     * Codes computed over all "world" samples (the official code's {@code B = Q.shape[1] * world_size}:
     * on one process, the queue's samples followed by the batch's), returning only the last
     * {@code batchRows} rows, as the official {@code distributed_sinkhorn(out)[-bs:]}.
     *
     * @param worldScores [W,K] scores of all samples that share the equipartition constraint, batch last
     * @param batchRows   number of trailing rows to return, 1 <= batchRows <= W
     * @param epsilon     entropic regularisation, > 0
     * @param iterations  Sinkhorn iterations, >= 1
     * @return [batchRows,K] codes in the input's data type; each row sums to 1
     */
    public static INDArray codes(INDArray worldScores, int batchRows, double epsilon, int iterations) {
        return codesDouble(worldScores, batchRows, epsilon, iterations).castTo(worldScores.dataType());
    }

    /**
     * Codes of a batch with a queue of earlier features' scores sharing the equipartition constraint:
     * {@code codes(concat(queueScores, scores), B, ...)}, as the official code does once its queue is full.
     *
     * @param scores      [B,K] scores of the batch
     * @param queueScores [Q,K] scores of the queued features against the current prototypes, same type
     * @param epsilon     entropic regularisation, > 0
     * @param iterations  Sinkhorn iterations, >= 1
     * @return [B,K] codes of the batch rows
     */
    public static INDArray codesWithQueue(INDArray scores, INDArray queueScores, double epsilon, int iterations) {
        return codes(withQueue(scores, queueScores), (int) scores.size(0), epsilon, iterations);
    }

    /** {@code concat(queueScores, scores)} after checking both. */
    static INDArray withQueue(INDArray scores, INDArray queueScores) {
        LossArgs.requireFloatingMatrix("scores", scores);
        LossArgs.requireFloatingMatrix("queueScores", queueScores);
        LossArgs.requireSameType("scores", scores, "queueScores", queueScores);
        if (scores.size(1) != queueScores.size(1)) {
            throw new IllegalArgumentException("queueScores has " + queueScores.size(1) + " prototypes (columns), scores has "
                    + scores.size(1));
        }
        return Nd4j.concat(0, queueScores, scores);
    }

    /** As {@link #codes(INDArray, int, double, int)}, the result left in DOUBLE. */
    static INDArray codesDouble(INDArray worldScores, int batchRows, double epsilon, int iterations) {
        LossArgs.requireFloatingMatrix("worldScores", worldScores);
        long w = worldScores.size(0);
        if (batchRows < 1 || batchRows > w) {
            throw new IllegalArgumentException("batchRows must be in [1, " + w + "] (rows of worldScores), got " + batchRows);
        }
        LossArgs.requirePositive("epsilon", epsilon);
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        return sinkhornLastRows(worldScores, batchRows, epsilon, iterations);
    }

    /**
     * The official iteration in DOUBLE, carried out on scaling vectors instead of the whole matrix.
     *
     * <p>Every step of the official loop multiplies Q by a diagonal matrix, so after any number of steps
     * {@code Q = diag(u) E diag(v)} (in our [W,K] layout, W samples, K prototypes) with
     * {@code E = exp(S/eps)} (the initial division by the total is absorbed in u). A prototype step sets
     * {@code v = 1/(K E^T u)} whatever v was, a sample step sets {@code u = 1/(W E v)}, and the final
     * {@code Q *= W} leaves {@code codes_bk = E_bk v_k / (E v)_b}.
     * Each iteration is thus two matrix-vector products instead of two reductions and two broadcast
     * divisions over the whole matrix, and only the returned rows are ever materialised.
     *
     * @return [batchRows,K] DOUBLE codes of the last {@code batchRows} rows
     */
    private static INDArray sinkhornLastRows(INDArray scores, int batchRows, double epsilon, int iterations) {
        // DEVIATION: computed in DOUBLE; the official code runs in the network's output type (float32).
        INDArray e = scores.dataType() == DataType.DOUBLE ? scores.dup() : scores.castTo(DataType.DOUBLE);
        // DEVIATION: world size 1: the official all_reduce of the total and of the prototype sums are identities
        long w = e.size(0);
        // DEVIATION: the global maximum is subtracted before exp (the official code does not): a common
        // factor of Q cancels in the first normalisation, so this changes nothing but avoids overflow.
        double max = e.maxNumber().doubleValue();
        Transforms.exp(e.subi(max).divi(epsilon), false);
        long k = e.size(1);
        // the constants K and W keep Q's total at 1 (as in the official loop), so u and v cannot drift
        // towards under/overflow over many iterations
        INDArray u = Nd4j.valueArrayOf(new long[]{1, w}, 1.0 / w, DataType.DOUBLE); // sample scaling (row)
        INDArray v = null;                                                          // prototype scaling (column)
        for (int it = 0; it < iterations; it++) {
            // v = 1/(K E^T u), [K,1]
            v = requirePositiveMass(u.mmul(e), "prototype", epsilon).muli(k).transpose().rdivi(1.0);
            if (it + 1 < iterations) {
                // u = 1/(W E v), [1,W]
                u = requirePositiveMass(e.mmul(v), "sample", epsilon).muli(w).transpose().rdivi(1.0);
            }
        }
        // e is ours: the last rows become the codes in place
        INDArray codes = e.get(NDArrayIndex.interval(w - batchRows, w), NDArrayIndex.all()).muliRowVector(v.reshape(1, k));
        return codes.diviColumnVector(codes.sum(true, 1));
    }

    private static INDArray requirePositiveMass(INDArray sums, String what, double epsilon) {
        // DEVIATION: the official code would silently propagate inf/NaN here
        if (!(sums.minNumber().doubleValue() > 0)) {
            throw new IllegalArgumentException("a " + what + " receives no mass in Sinkhorn-Knopp: its scores are all more than "
                    + "~745*epsilon (epsilon=" + epsilon + ") below the largest score, so exp underflows; are features and "
                    + "prototypes l2-normalised?");
        }
        return sums;
    }
}
