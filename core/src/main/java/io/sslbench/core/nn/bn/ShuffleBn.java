package io.sslbench.core.nn.bn;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Shuffling BN for MoCo's key encoder on one device (He et al. 2020, Sec. 3.3, "Shuffling BN"):
 * the key batch is shuffled, split into {@code groups} equal groups that play the role of the
 * GPUs, each group is forwarded on its own in training mode so that every batch-normalisation
 * layer uses that group's statistics (as per-GPU BN does), and the outputs are put back in the
 * original order. The query encoder sees the unshuffled groups, so the queries and their positive
 * keys never share batch statistics and the model cannot cheat through them.
 *
 * <p>The key encoder receives no gradient, so this is a forward-only operation: it calls
 * {@link ComputationGraph#output(boolean, INDArray...)} with {@code train = true} per group,
 * which returns detached arrays and keeps no activations.
 *
 * <p>Running statistics: layers that update their running estimates in the forward pass
 * ({@link SplitBatchNormalization}) take one momentum step per group, in group order.
 * DEVIATION: in MoCo's DDP code each GPU's BN takes one step with its own group and GPU 0's
 * buffers are what gets saved; the key encoder's running statistics are never used for
 * evaluation, so the difference does not reach any reported number.
 */
public final class ShuffleBn {
    private ShuffleBn() {}

    /**
     * Key-encoder forward with Shuffling BN.
     *
     * <pre>
     *   (xs, perm) = batch_shuffle(x)                       xs[i] = x[perm[i]]
     *   k_g = keyEncoder_train(xs[g*N/G : (g+1)*N/G])       g = 0..G-1, each on its own
     *   out = batch_unshuffle([k_0; ...; k_{G-1}], perm)
     * </pre>
     *
     * @param keyEncoder graph with exactly one input and one output; its parameters are not changed
     *                   (running statistics of forward-updating BN layers are, see the class doc)
     * @param x          key batch {@code [N, ...]}, {@code N} divisible by {@code groups}; not modified
     * @param groups     number of simulated GPUs {@code G >= 1}; {@code G = 1} is plain full-batch BN
     * @param rng        source of the shuffle
     * @return the graph's output for {@code x}, rows in the order of {@code x}, shape {@code [N, ...]}
     */
    public static INDArray forward(ComputationGraph keyEncoder, INDArray x, int groups, SplittableRandom rng) {
        Objects.requireNonNull(keyEncoder, "keyEncoder");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(rng, "rng");
        int nIn = keyEncoder.getNumInputArrays();
        int nOut = keyEncoder.getNumOutputArrays();
        if (nIn != 1 || nOut != 1) {
            throw new IllegalArgumentException("ShuffleBN needs a key encoder with one input and one output; this graph has "
                    + nIn + " inputs and " + nOut + " outputs");
        }
        return forward(slice -> keyEncoder.output(true, slice)[0], x, groups, rng);
    }

    /**
     * As {@link #forward(ComputationGraph, INDArray, int, SplittableRandom)} for any key encoder given as
     * a function from a group's inputs to its outputs, run in training mode by the caller (e.g. an
     * {@code EmaTarget}'s forward to a named vertex).
     */
    public static INDArray forward(UnaryOperator<INDArray> keyEncoder, INDArray x, int groups,
                                   SplittableRandom rng) {
        return forward(keyEncoder, x, groups, true, rng);
    }

    /**
     * As {@link #forward(java.util.function.UnaryOperator, INDArray, int, SplittableRandom)}, or, with {@code shuffle}
     * false, the same split into groups without the shuffle: per-device BN of the key batch whose devices hold the same
     * images as the queries' (the setting MoCo's Shuffling BN exists to avoid; MoCo Sec. 3.3, the BN-leakage study).
     * {@code groups = 1} forwards the whole (shuffled) batch at once: the right call when the key encoder's BN layers
     * split the batch into devices themselves.
     *
     * @param shuffle shuffle the batch before the split (and unshuffle after); false leaves {@code rng} untouched
     */
    public static INDArray forward(UnaryOperator<INDArray> keyEncoder, INDArray x, int groups,
                                   boolean shuffle, SplittableRandom rng) {
        Objects.requireNonNull(keyEncoder, "keyEncoder");
        Objects.requireNonNull(x, "x");
        if (groups < 1) {
            throw new IllegalArgumentException("groups must be >= 1, got " + groups);
        }
        long n = x.size(0);
        if (n % groups != 0) {
            throw new IllegalArgumentException("ShuffleBN: batch size " + n + " is not divisible by groups=" + groups
                    + " (each simulated GPU needs the same number of keys)");
        }
        if (n / groups < 2) {
            throw new IllegalArgumentException("ShuffleBN: batch size " + n + " with groups=" + groups
                    + " leaves fewer than 2 samples per group; batch statistics are undefined");
        }
        BatchShuffle.Shuffled s = shuffle ? BatchShuffle.shuffle(x, rng) : null;
        INDArray batch = shuffle ? s.batch() : x;
        long per = n / groups;
        INDArray[] outs = new INDArray[groups];
        // DEVIATION: each group is a forward of its own, so forward-updated running statistics take
        // G momentum steps per call (MoCo's DDP: one step per GPU, GPU 0's kept); see the class doc.
        for (int g = 0; g < groups; g++) {
            INDArray slice = groups == 1 ? batch : batch.get(rowRange(batch.rank(), g * per, (g + 1) * per));
            outs[g] = keyEncoder.apply(slice);
        }
        INDArray joined = groups == 1 ? outs[0] : Nd4j.concat(0, outs);
        if (joined.size(0) != n) {
            throw new IllegalStateException("key encoder output has " + joined.size(0) + " rows for " + n
                    + " inputs; shape " + Arrays.toString(joined.shape()));
        }
        return shuffle ? BatchShuffle.unshuffle(joined, s.perm()) : joined;
    }

    private static INDArrayIndex[] rowRange(int rank, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < rank; d++) {
            idx[d] = NDArrayIndex.all();
        }
        return idx;
    }
}
