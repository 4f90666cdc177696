package io.sslbench.swav;

import io.sslbench.core.loss.LossArgs;
import io.sslbench.core.loss.LossResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Entropy;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * SwAV's swapped-prediction loss over multi-crop views (Caron et al. 2020, eq. 1-3), as the loss block
 * of {@code train()} in facebookresearch/swav {@code main_swav.py}:
 * <pre>
 *   for each crop a in cropsForAssign (index i):
 *       q = SinkhornKnopp(scores_a [, queue_i])           (detached)
 *       subloss = - sum_{v != a} mean_b sum_k q_bk log softmax(scores_v / tau)_bk
 *       loss += subloss / (numCrops - 1)
 *   loss /= |cropsForAssign|
 * </pre>
 * {@code scores} are the prototype scores of l2-normalised features, crop-major: crop c occupies rows
 * {@code [c*B, (c+1)*B)}. The gradient flows into the scores of the predicted crops only (codes are
 * detached): {@code dL/dscores_v = sum_{a != v} (softmax(scores_v/tau) rowsum(q_a) - q_a) / (tau B (C-1) A)}.
 */
public final class SwavLoss {
    private SwavLoss() {}

    /**
     * Hyper-parameters of the loss, validated.
     *
     * @param numCrops       total number of crops C (e.g. 2, or 2+6 with multi-crop), >= 2
     * @param cropsForAssign distinct crop indices in [0, C) whose codes are computed (paper: {0, 1})
     * @param temperature    softmax temperature tau, > 0 (paper: 0.1)
     * @param epsilon        Sinkhorn entropic regularisation, > 0 (paper: 0.05)
     * @param iterations     Sinkhorn iterations, >= 1 (paper: 3)
     */
    public record Config(int numCrops, int[] cropsForAssign, double temperature, double epsilon, int iterations) {
        public Config {
            if (numCrops < 2) {
                throw new IllegalArgumentException("numCrops must be >= 2 (each assignment is predicted from another crop), got " + numCrops);
            }
            if (cropsForAssign == null || cropsForAssign.length == 0) {
                throw new IllegalArgumentException("cropsForAssign must name at least one crop in [0, " + numCrops + ")");
            }
            cropsForAssign = cropsForAssign.clone();
            boolean[] seen = new boolean[numCrops];
            for (int c : cropsForAssign) {
                if (c < 0 || c >= numCrops) {
                    throw new IllegalArgumentException("cropsForAssign entry " + c + " is outside [0, " + numCrops + ")");
                }
                if (seen[c]) {
                    throw new IllegalArgumentException("cropsForAssign lists crop " + c + " twice: " + Arrays.toString(cropsForAssign));
                }
                seen[c] = true;
            }
            LossArgs.requirePositive("temperature", temperature);
            LossArgs.requirePositive("epsilon", epsilon);
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations (Sinkhorn) must be >= 1, got " + iterations);
            }
        }

        /** The paper's / official defaults for {@code numCrops} crops: assign {0,1}, tau 0.1, eps 0.05, 3 iterations. */
        public static Config paper(int numCrops) {
            return new Config(numCrops, new int[]{0, 1}, 0.1, 0.05, 3);
        }

        @Override
        public int[] cropsForAssign() {
            return cropsForAssign.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Config c && c.numCrops == numCrops && Arrays.equals(c.cropsForAssign, cropsForAssign)
                    && Double.compare(c.temperature, temperature) == 0 && Double.compare(c.epsilon, epsilon) == 0
                    && c.iterations == iterations;
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(cropsForAssign) + Objects.hash(numCrops, temperature, epsilon, iterations);
        }

        @Override
        public String toString() {
            return "Config[numCrops=" + numCrops + ", cropsForAssign=" + Arrays.toString(cropsForAssign) + ", temperature="
                    + temperature + ", epsilon=" + epsilon + ", iterations=" + iterations + "]";
        }
    }

    /**
     * The loss with its arguments spelled out (see {@link Config} for their ranges).
     *
     * @param scores      [numCrops*B, K] prototype scores, crop-major (FLOAT or DOUBLE; not modified)
     * @param batchSize   B, samples per crop
     * @param queueScores null, or [A,Q,K] scores of the queued features of each assignment crop (in the
     *                    order of {@code cropsForAssign}) against the current prototypes; detached
     * @return value and gradients {@code {dL/dscores, null}} (the queue scores receive none)
     */
    public static LossResult compute(INDArray scores, int batchSize, int numCrops, int[] cropsForAssign,
                                     double temperature, double epsilon, int iterations, INDArray queueScores) {
        Config config = new Config(numCrops, cropsForAssign, temperature, epsilon, iterations);
        List<INDArray> queue = null;
        if (queueScores != null) {
            if (queueScores.rank() != 3 || queueScores.size(0) != config.cropsForAssign.length) {
                throw new IllegalArgumentException("queueScores must be [A,Q,K] with A = " + config.cropsForAssign.length
                        + " (one queue per assignment crop), got shape " + Arrays.toString(queueScores.shape()));
            }
            queue = new ArrayList<>();
            for (int i = 0; i < queueScores.size(0); i++) {
                queue.add(queueScores.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all()));
            }
        }
        return compute(scores, batchSize, config, queue);
    }

    /**
     * @param scores      [C*B, K] prototype scores, crop-major (not modified)
     * @param batchSize   B
     * @param config      hyper-parameters
     * @param queueScores null (no queue: the official code until the queue is full), or one [Q_i,K]
     *                    matrix per assignment crop, in the order of {@code cropsForAssign}
     * @return value and gradients {@code {dL/dscores, null}}
     */
    public static LossResult compute(INDArray scores, int batchSize, Config config, List<INDArray> queueScores) {
        return swappedPrediction(scores, batchSize, config, codes(scores, batchSize, config, queueScores));
    }

    /**
     * The detached codes of the assignment crops: Sinkhorn-Knopp on each assignment crop's scores (with its
     * queue's, if given), the first half of {@link #compute(INDArray, int, Config, List)}.
     *
     * @return one [B,K] DOUBLE code matrix per assignment crop, in the order of {@code cropsForAssign}
     */
    public static INDArray[] codes(INDArray scores, int batchSize, Config config, List<INDArray> queueScores) {
        checkScores(scores, batchSize, config);
        int[] assign = config.cropsForAssign;
        if (queueScores != null && queueScores.size() != assign.length) {
            throw new IllegalArgumentException("queueScores has " + queueScores.size() + " entries, expected one per assignment crop ("
                    + assign.length + ")");
        }
        INDArray[] codes = new INDArray[assign.length];
        for (int i = 0; i < assign.length; i++) {
            INDArray out = crop(scores, assign[i], batchSize);
            // DEVIATION: whether the queue is used (official: once its last row is non-zero) and its filling
            // are decided by the caller, who passes queue scores or null
            INDArray world = queueScores == null ? out : SinkhornKnopp.withQueue(out, requireQueue(queueScores.get(i), i));
            // kept in DOUBLE: they are cast once, when copied into the target matrix
            codes[i] = SinkhornKnopp.codesDouble(world, batchSize, config.epsilon, config.iterations);
        }
        return codes;
    }

    /**
     * How close the codes are to SwAV's trivial solution, the uniform assignment (Caron et al. 2020, Sec. 3.1:
     * too large an epsilon "leads to a trivial solution where all samples collapse into an unique
     * representation and are all uniformly assigned to all prototypes"): the mean over the codes' rows of
     * {@code -sum_k q_k log q_k / log K}. 1 for uniform codes, 0 for one-hot codes.
     *
     * @param codes [B,K] code matrices (rows summing to 1), K >= 2
     * @return the normalised entropy averaged over all rows of all matrices, in [0, 1]
     */
    public static double normalizedEntropy(INDArray... codes) {
        double sum = 0;
        long rows = 0;
        for (INDArray q : codes) {
            LossArgs.requireFloatingMatrix("codes", q);
            // 0 log 0 = 0: zeros are raised to the smallest normal double, whose x log x (about -1e-305) adds nothing;
            // two native passes (the clamped copy, then -sum x log x), where a mask and a log over a copy took seven
            INDArray d = Transforms.max(q.castTo(DataType.DOUBLE), Double.MIN_NORMAL, true);
            sum += Nd4j.getExecutioner().exec(new Entropy(d)).getDouble(0);
            rows += q.size(0);
        }
        if (rows == 0 || codes[0].size(1) < 2) {
            throw new IllegalArgumentException("need at least one code row over K >= 2 prototypes");
        }
        return sum / rows / Math.log(codes[0].size(1));
    }

    /**
     * The swapped-prediction part alone, for given (detached) codes.
     *
     * @param codes one [B,K] FLOAT or DOUBLE code matrix per assignment crop, in the order of
     *              {@code cropsForAssign} (not modified)
     * @return value and gradients {@code {dL/dscores, null}}
     */
    public static LossResult swappedPrediction(INDArray scores, int batchSize, Config config, INDArray[] codes) {
        checkScores(scores, batchSize, config);
        int[] assign = config.cropsForAssign;
        if (codes == null || codes.length != assign.length) {
            throw new IllegalArgumentException("codes must hold one [B,K] matrix per assignment crop (" + assign.length + ")");
        }
        long k = scores.size(1);
        for (int i = 0; i < assign.length; i++) {
            LossArgs.requireFloatingMatrix("codes[" + i + "]", codes[i]);
            if (codes[i].size(0) != batchSize || codes[i].size(1) != k) {
                throw new IllegalArgumentException("codes[" + i + "] must be [" + batchSize + "," + k + "], got "
                        + Arrays.toString(codes[i].shape()));
            }
        }
        int c = config.numCrops;
        int a = assign.length;
        double tau = config.temperature;
        // All (assignment crop, predicted crop) pairs at once. Row block v of the target T holds
        // sum_{i: assign[i] != v} q_i / (tau B (C-1) A); with z = scores/tau - rowmax and s = rowsum(exp z),
        // log_softmax = z - log s, so the official double loop equals
        //   loss = tau (-sum(T * z) + sum_rows rowsum(T) log s)
        //   dL/dscores = exp(z) * rowsum(T) / s - T
        // computed on whole matrices: one pass each for exp, the reductions and the gradient.
        INDArray target = Nd4j.createUninitialized(scores.dataType(), scores.shape());
        for (int v = 0; v < c; v++) {
            INDArray block = crop(target, v, batchSize);
            boolean empty = true;
            for (int i = 0; i < a; i++) {
                if (assign[i] != v) {
                    if (empty) {
                        block.assign(codes[i]);
                    } else {
                        block.addi(codes[i]);
                    }
                    empty = false;
                }
            }
            if (empty) {
                block.assign(0);
            }
        }
        target.muli(1.0 / (tau * batchSize * (c - 1) * a));
        INDArray targetMass = target.sum(true, 1);                         // [CB,1]
        INDArray z = scores.mul(1.0 / tau);                                // becomes the gradient
        z.subiColumnVector(z.max(true, 1));
        double targetDotZ = Nd4j.getExecutioner().exec(new Dot(target, z)).getDouble(0);
        INDArray expZ = Transforms.exp(z, false);
        INDArray rowSum = expZ.sum(true, 1);                               // s, [CB,1]
        INDArray logS = Transforms.log(rowSum, true);
        double loss = tau * (-targetDotZ + Nd4j.getExecutioner().exec(new Dot(targetMass, logS)).getDouble(0));
        INDArray grad = expZ.muliColumnVector(targetMass.divi(rowSum)).subi(target);
        return new LossResult(loss, grad, null);
    }

    private static INDArray requireQueue(INDArray q, int i) {
        if (q == null) {
            throw new IllegalArgumentException("queueScores[" + i + "] is null");
        }
        LossArgs.requireFloatingMatrix("queueScores[" + i + "]", q);
        return q;
    }

    private static void checkScores(INDArray scores, int batchSize, Config config) {
        LossArgs.requireFloatingMatrix("scores", scores);
        if (config == null) {
            throw new IllegalArgumentException("config is null");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (scores.size(0) != (long) config.numCrops * batchSize) {
            throw new IllegalArgumentException("scores must have numCrops*batchSize = " + config.numCrops + "*" + batchSize
                    + " rows (crop-major), got shape " + Arrays.toString(scores.shape()));
        }
    }

    /** Rows of crop {@code c} (a view). */
    private static INDArray crop(INDArray m, int c, int batchSize) {
        return m.get(NDArrayIndex.interval((long) c * batchSize, (long) (c + 1) * batchSize), NDArrayIndex.all());
    }
}
