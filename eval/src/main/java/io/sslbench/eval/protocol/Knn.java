package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.loss.L2Normalize;
import io.sslbench.core.util.Gemm;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Weighted kNN monitor of InstDisc (Wu et al. 2018), as in the MoCo CIFAR-10 demo's and lightly's
 * {@code knn_predict}: cosine similarity between l2-normalised features, the {@code k} most similar training
 * features vote for their class with weight {@code exp(sim / T)}, and classes are ranked by total vote:
 *
 * <pre>  score[c] = sum_{j in topk(sim(q, .))} exp(sim(q, x_j) / T) * [y_j == c]</pre>
 *
 * <p>Test features are processed in chunks so that the similarity block {@code [chunk, N_train]} stays below
 * {@link #CHUNK_ELEMENTS} floats (64 MB), whatever the test set size.
 */
public final class Knn {
    private Knn() {}

    /** Defaults of InstDisc and the MoCo/lightly monitor. */
    public static final int DEFAULT_K = 200;
    public static final double DEFAULT_TEMPERATURE = 0.1;
    /** Upper bound on the elements of one test-chunk x train similarity block. */
    public static final long CHUNK_ELEMENTS = 1L << 24;

    /**
     * Result of one kNN evaluation (accuracies are fractions in [0, 1]).
     *
     * @param top1        top-1 accuracy
     * @param top5        top-5 accuracy (1.0 when there are fewer than 5 classes)
     * @param k           neighbours
     * @param temperature T
     * @param numTrain    size of the feature bank
     * @param numTest     number of queries
     */
    public record Result(double top1, double top5, int k, double temperature, int numTrain, int numTest) {
        /** @return one line naming the protocol and its parameters */
        public String describe() {
            return String.format(Locale.ROOT,
                    "kNN (InstDisc weighted vote, cosine, k=%d, T=%s) on %d train / %d test: top1=%.4f top5=%.4f",
                    k, temperature, numTrain, numTest, top1, top5);
        }
    }

    /**
     * Extracts train and test features once ({@link FeatureExtractor}: inference mode, no augmentation), runs the
     * kNN monitor, then checks that no encoder parameter or BN statistic changed ({@link SanityCheck}).
     */
    public static Result evaluate(ComputationGraph encoder, ImageDataset train, ImageDataset test, float[] mean,
                                  float[] std, int batchSize, int k, double temperature) {
        INDArray before = encoder.params().dup();
        INDArray ftr = FeatureExtractor.extract(encoder, train, mean, std, batchSize);
        INDArray fte = FeatureExtractor.extract(encoder, test, mean, std, batchSize);
        Result r = evaluate(ftr, train.labels(), fte, test.labels(), train.numClasses(), k, temperature);
        SanityCheck.assertUnchanged(before, encoder);
        return r;
    }

    /** {@link #evaluate(INDArray, int[], INDArray, int[], int, int, double)} with k=200, T=0.1. */
    public static Result evaluate(INDArray trainFeat, int[] trainLabels, INDArray testFeat, int[] testLabels,
                                  int numClasses) {
        return evaluate(trainFeat, trainLabels, testFeat, testLabels, numClasses, DEFAULT_K, DEFAULT_TEMPERATURE);
    }

    /**
     * Top-1 and top-5 accuracy of the weighted kNN classifier.
     *
     * @param trainFeat   [N, D] feature bank (any float type; normalised internally, not modified)
     * @param trainLabels N labels in [0, numClasses)
     * @param testFeat    [M, D] query features
     * @param testLabels  M labels in [0, numClasses)
     * @param numClasses  C &gt;= 2
     * @param k           neighbours, 1 &lt;= k &lt;= N
     * @param temperature T &gt; 0
     * @return accuracies and parameters
     */
    public static Result evaluate(INDArray trainFeat, int[] trainLabels, INDArray testFeat, int[] testLabels,
                                  int numClasses, int k, double temperature) {
        Accuracy.checkLabels("testLabels", testLabels, testFeat, numClasses);
        double[][] s = scores(trainFeat, trainLabels, testFeat, numClasses, k, temperature);
        return new Result(Accuracy.topK(s, testLabels, 1), Accuracy.topK(s, testLabels, 5), k, temperature,
                trainLabels.length, testLabels.length);
    }

    /**
     * Per-class vote {@code score[i][c]} of every query (formula in the class javadoc). Among training features
     * with equal similarity the lower index is taken first.
     *
     * @return [M][C] scores
     */
    public static double[][] scores(INDArray trainFeat, int[] trainLabels, INDArray testFeat, int numClasses, int k,
                                    double temperature) {
        return scores(trainFeat, trainLabels, testFeat, numClasses, k, temperature, CHUNK_ELEMENTS);
    }

    /** As above with an explicit bound on the similarity block's elements (tests force small chunks). */
    static double[][] scores(INDArray trainFeat, int[] trainLabels, INDArray testFeat, int numClasses, int k,
                             double temperature, long chunkElements) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        Accuracy.checkLabels("trainLabels", trainLabels, trainFeat, numClasses);
        if (testFeat.rank() != 2 || testFeat.size(1) != trainFeat.size(1)) {
            throw new IllegalArgumentException("test features " + Arrays.toString(testFeat.shape())
                    + " do not match train features " + Arrays.toString(trainFeat.shape()));
        }
        int n = trainLabels.length;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in [1, " + n + "] (train size), got " + k);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        INDArray bank = L2Normalize.forward(trainFeat.castTo(DataType.FLOAT), "train features").unit();
        int m = (int) testFeat.size(0);
        int chunk = (int) Math.max(1, Math.min(m, chunkElements / n));
        double[][] out = new double[m][];
        for (int start = 0; start < m; start += chunk) {
            int b = Math.min(chunk, m - start);
            INDArray q = L2Normalize.forward(testFeat.get(NDArrayIndex.interval(start, start + b), NDArrayIndex.all())
                    .castTo(DataType.FLOAT), "test features").unit();
            INDArray sim = Nd4j.createUninitialized(DataType.FLOAT, new long[]{b, n}, 'c');
            Gemm.gemm(q, bank, sim, false, true, 1.0, 0.0); // oneDNN's sgemm (see Gemm)
            // read the similarities in place (no 64 MB copy per chunk); sim stays reachable until the fence
            FloatBuffer s = sim.data().asNioFloat();
            int offset = start;
            IntStream.range(0, b).parallel().forEach(r ->
                    out[offset + r] = vote(s, r * n, n, trainLabels, numClasses, k, temperature));
            Reference.reachabilityFence(sim);
        }
        return out;
    }

    /** Top-k selection over one similarity row with a size-k min-heap, then the weighted class vote. */
    private static double[] vote(FloatBuffer s, int from, int n, int[] labels, int numClasses, int k, double t) {
        float[] hv = new float[k];
        int[] hi = new int[k];
        int size = 0;
        for (int j = 0; j < n; j++) {
            float v = s.get(from + j);
            if (size < k) {
                hv[size] = v;
                hi[size] = j;
                siftUp(hv, hi, size++);
            } else if (v > hv[0]) { // equal similarity: the earlier (lower-index) neighbour is kept
                hv[0] = v;
                hi[0] = j;
                siftDown(hv, hi, k);
            }
        }
        double[] score = new double[numClasses];
        for (int i = 0; i < k; i++) {
            score[labels[hi[i]]] += Math.exp(hv[i] / t);
        }
        return score;
    }

    /** Heap order: the root is the least similar; among equal similarities, the highest index. */
    private static boolean less(float[] v, int[] idx, int a, int b) {
        return v[a] < v[b] || (v[a] == v[b] && idx[a] > idx[b]);
    }

    private static void siftUp(float[] v, int[] idx, int i) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!less(v, idx, i, p)) {
                return;
            }
            swap(v, idx, i, p);
            i = p;
        }
    }

    private static void siftDown(float[] v, int[] idx, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, min = i;
            if (l < size && less(v, idx, l, min)) {
                min = l;
            }
            if (r < size && less(v, idx, r, min)) {
                min = r;
            }
            if (min == i) {
                return;
            }
            swap(v, idx, i, min);
            i = min;
        }
    }

    private static void swap(float[] v, int[] idx, int a, int b) {
        float tv = v[a];
        v[a] = v[b];
        v[b] = tv;
        int ti = idx[a];
        idx[a] = idx[b];
        idx[b] = ti;
    }
}
