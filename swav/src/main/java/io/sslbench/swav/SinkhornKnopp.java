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
 * <p>Computed in DOUBLE whatever the input type, the result cast back to the input's type.
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
        LossArgs.requireFloatingMatrix("worldScores", worldScores);
        long w = worldScores.size(0);
        if (batchRows < 1 || batchRows > w) {
            throw new IllegalArgumentException("batchRows must be in [1, " + w + "] (rows of worldScores), got " + batchRows);
        }
        LossArgs.requirePositive("epsilon", epsilon);
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        INDArray q = sinkhornDouble(worldScores, epsilon, iterations);
        INDArray batch = q.get(NDArrayIndex.interval(w - batchRows, w), NDArrayIndex.all());
        return batch.castTo(worldScores.dataType()).dup();
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
        LossArgs.requireFloatingMatrix("scores", scores);
        LossArgs.requireFloatingMatrix("queueScores", queueScores);
        LossArgs.requireSameType("scores", scores, "queueScores", queueScores);
        if (scores.size(1) != queueScores.size(1)) {
            throw new IllegalArgumentException("queueScores has " + queueScores.size(1) + " prototypes (columns), scores has "
                    + scores.size(1));
        }
        return codes(Nd4j.concat(0, queueScores, scores), (int) scores.size(0), epsilon, iterations);
    }

    /** The official iteration, in DOUBLE, in [W,K] layout (rows: samples, columns: prototypes). */
    private static INDArray sinkhornDouble(INDArray scores, double epsilon, int iterations) {
        // DEVIATION: computed in DOUBLE; the official code runs in the network's output type (float32).
        INDArray q = scores.dataType() == DataType.DOUBLE ? scores.dup() : scores.castTo(DataType.DOUBLE);
        long samples = q.size(0), prototypes = q.size(1);
        q.divi(epsilon);
        // DEVIATION: the global maximum is subtracted before exp (the official code does not): a common
        // factor of Q cancels in the first normalisation, so this changes nothing but avoids overflow.
        q.subi(q.maxNumber());
        Transforms.exp(q, false);
        q.divi(q.sumNumber());
        for (int it = 0; it < iterations; it++) {
            q.diviRowVector(q.sum(true, 0)).divi(prototypes);   // each prototype's mass: 1/K
            q.diviColumnVector(q.sum(true, 1)).divi(samples);   // each sample's mass: 1/B
        }
        return q.muli(samples);
    }
}
