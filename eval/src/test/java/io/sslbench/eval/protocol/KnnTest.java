package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class KnnTest {

    /**
     * Naive transcription of the MoCo demo's knn_predict for one query: normalise, cosine similarity to every
     * training feature in double, the k most similar (ties: lower index first), votes exp(sim / T).
     */
    static double[] naiveScores(double[][] train, int[] labels, double[] q, int numClasses, int k, double t) {
        double[] sim = similarities(train, q);
        Integer[] order = IntStream.range(0, train.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -sim[j]).thenComparingInt(j -> j));
        double[] score = new double[numClasses];
        for (int i = 0; i < k; i++) {
            score[labels[order[i]]] += Math.exp(sim[order[i]] / t);
        }
        return score;
    }

    /** Cosine similarity of {@code q} to every training feature, in double. */
    static double[] similarities(double[][] train, double[] q) {
        double[] qn = unit(q);
        double[] sim = new double[train.length];
        for (int j = 0; j < train.length; j++) {
            double[] x = unit(train[j]);
            for (int d = 0; d < q.length; d++) {
                sim[j] += qn[d] * x[d];
            }
        }
        return sim;
    }

    private static double[] unit(double[] v) {
        double n = Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
        return Arrays.stream(v).map(x -> x / Math.max(n, 1e-12)).toArray();
    }

    private static int[] randomLabels(int n, int c, Random rnd) {
        return IntStream.range(0, n).map(i -> rnd.nextInt(c)).toArray();
    }

    @Test
    void scoresMatchNaiveLoopOverSizesKAndTemperatures() {
        Random rnd = new Random(11);
        Nd4j.getRandom().setSeed(11);
        int n = 300, d = 16, m = 40, c = 7;
        INDArray train = Nd4j.randn(DataType.FLOAT, n, d);
        INDArray test = Nd4j.randn(DataType.FLOAT, m, d);
        int[] labels = randomLabels(n, c, rnd);
        double[][] tr = train.toDoubleMatrix(), te = test.toDoubleMatrix();
        for (int k : new int[]{1, 10, 200, 300}) {
            for (double t : new double[]{0.07, 0.1, 0.5}) {
                double[][] s = Knn.scores(train, labels, test, c, k, t);
                for (int i = 0; i < m; i++) {
                    double[] ref = naiveScores(tr, labels, te[i], c, k, t);
                    for (int cl = 0; cl < c; cl++) {
                        assertEquals(ref[cl], s[i][cl], 1e-5 * Math.max(1, ref[cl]),
                                "k=" + k + " T=" + t + " query " + i + " class " + cl);
                    }
                }
            }
        }
    }

    @Test
    void tiesAtTheKthNeighbourResolveLikeTheReference() {
        Random rnd = new Random(5);
        // 5 distinct directions, each repeated 6 times: many exact ties in similarity
        double[][] base = new double[5][4];
        for (double[] b : base) {
            for (int j = 0; j < 4; j++) {
                b[j] = rnd.nextGaussian();
            }
        }
        double[][] tr = new double[30][];
        for (int i = 0; i < 30; i++) {
            tr[i] = base[i % 5].clone();
        }
        int[] labels = randomLabels(30, 4, rnd);
        INDArray train = Nd4j.create(tr).castTo(DataType.FLOAT);
        double[][] te = {base[0], base[3], {1, 0, 0, 0}};
        INDArray test = Nd4j.create(te).castTo(DataType.FLOAT);
        for (int k : new int[]{3, 7, 13}) {
            double[][] s = Knn.scores(train, labels, test, 4, k, 0.1);
            // recompute the reference on the float-rounded data so both see identical similarities
            double[][] trF = train.toDoubleMatrix(), teF = test.toDoubleMatrix();
            for (int i = 0; i < te.length; i++) {
                double[] ref = naiveScores(trF, labels, teF[i], 4, k, 0.1);
                for (int cl = 0; cl < 4; cl++) {
                    // a different tie-break would move a whole vote exp(sim/T) to another class
                    assertEquals(ref[cl], s[i][cl], 1e-5 * Math.max(1, ref[cl]), "k=" + k + " query " + i);
                }
            }
        }
    }

    /**
     * Relative tolerance between two float32 scorings of the same queries that use differently shaped matrix
     * products. The BLAS picks its kernel, hence its summation order, by shape and CPU (AVX-512 and AVX2 kernels
     * differ), so a similarity, a dot product of two float unit vectors of dimension d, may move by up to
     * 2 d 2^-24 between the two runs (|q_i x_i| sums to at most 1), plus a few ulps from normalising the query
     * chunk: about 1.2e-6 for d = 8. A vote exp(s / T) moves by the relative amount |ds| / T, 1.2e-5 at T = 0.1,
     * and a class score, a sum of positive votes, by no more than its worst vote. 2e-5 covers that worst case;
     * typical differences are a few ulps of one vote (issue 12 measured 1.4e-8).
     */
    private static final double CHUNK_REL_TOL = 2e-5;
    /**
     * Similarity gap between the k-th and (k+1)-th neighbour below which either may be chosen: ten times the
     * largest float32 similarity error above, so beyond it every float run selects the same k features.
     */
    private static final double NEAR_TIE = 1e-5;

    /**
     * Chunked and whole scoring run [7, 8] x [8, 100] (and [1, 8] x [8, 100]) products instead of one
     * [23, 8] x [8, 100]: equal to float rounding ({@link #CHUNK_REL_TOL}), not bit for bit. Where the k-th
     * neighbour is clear ({@link #NEAR_TIE}) the neighbour sets, every class score and, where the top two classes
     * are apart, the predicted class must agree; across a near-tie only the sum of the k votes, which is
     * continuous in the similarities, must.
     */
    @Test
    void chunkingDoesNotChangeTheResult() {
        Random rnd = new Random(3);
        Nd4j.getRandom().setSeed(3);
        int n = 100, d = 8, m = 23, c = 5, k = 20;
        double t = 0.1;
        INDArray train = Nd4j.randn(DataType.FLOAT, n, d);
        INDArray test = Nd4j.randn(DataType.FLOAT, m, d);
        int[] labels = randomLabels(n, c, rnd);
        // one class per training feature: the vote of feature j lands in "class" j, so score > 0 marks a neighbour
        int[] own = IntStream.range(0, n).toArray();
        double[][] tr = train.toDoubleMatrix(), te = test.toDoubleMatrix();
        double[][] whole = Knn.scores(train, labels, test, c, k, t);
        double[][] wholeVotes = Knn.scores(train, own, test, n, k, t);
        for (long chunkElements : new long[]{700, 100}) { // 7 queries per chunk (7 + 7 + 7 + 2), then 1 per chunk
            double[][] chunked = Knn.scores(train, labels, test, c, k, t, chunkElements);
            double[][] chunkedVotes = Knn.scores(train, own, test, n, k, t, chunkElements);
            int clear = 0, predictions = 0;
            for (int i = 0; i < m; i++) {
                String at = (chunkElements / n) + " queries per chunk, query " + i;
                double total = Arrays.stream(whole[i]).sum();
                assertEquals(total, Arrays.stream(chunked[i]).sum(), CHUNK_REL_TOL * total, at + ": sum of the k votes");
                double[] sim = similarities(tr, te[i]);
                double[] sorted = sim.clone();
                Arrays.sort(sorted);
                double kth = sorted[n - k];
                if (kth - sorted[n - k - 1] <= NEAR_TIE) {
                    continue; // the k-th neighbour is a near-tie: either choice is correct
                }
                clear++;
                Set<Integer> expected = IntStream.range(0, n).filter(j -> sim[j] >= kth).boxed().collect(Collectors.toSet());
                assertEquals(expected, neighbours(wholeVotes[i]), at + ": whole neighbours vs double reference");
                assertEquals(expected, neighbours(chunkedVotes[i]), at + ": chunked neighbours");
                for (int cl = 0; cl < c; cl++) {
                    assertEquals(whole[i][cl], chunked[i][cl], CHUNK_REL_TOL * Math.max(whole[i][cl], chunked[i][cl]),
                            at + " class " + cl);
                }
                double[] byScore = whole[i].clone();
                Arrays.sort(byScore);
                if (byScore[c - 1] - byScore[c - 2] > 2 * CHUNK_REL_TOL * byScore[c - 1]) {
                    predictions++;
                    assertEquals(argmax(whole[i]), argmax(chunked[i]), at + ": predicted class");
                }
            }
            // the data has no near-ties and clear winners: the comparisons above are not vacuous
            assertEquals(m, clear, "queries with a clear k-th neighbour");
            assertEquals(m, predictions, "queries with a clear top class");
        }
    }

    /** @return the training features that voted (score > 0; a vote exp(s / T) is positive) */
    private static Set<Integer> neighbours(double[] votes) {
        return IntStream.range(0, votes.length).filter(j -> votes[j] > 0).boxed().collect(Collectors.toSet());
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }

    @Test
    void separableToyCaseIsPerfectAndScaleInvariant() {
        Random rnd = new Random(1);
        int c = 4, d = 10, perClass = 50;
        double[][] tr = new double[c * perClass][d], te = new double[c * 20][d];
        int[] ytr = new int[tr.length], yte = new int[te.length];
        for (int i = 0; i < tr.length; i++) {
            ytr[i] = i % c;
            tr[i] = clusterPoint(ytr[i], d, rnd);
        }
        for (int i = 0; i < te.length; i++) {
            yte[i] = i % c;
            te[i] = clusterPoint(yte[i], d, rnd);
        }
        INDArray train = Nd4j.create(tr);
        // cosine kNN ignores feature norms: scale each test row by a random positive factor
        INDArray test = Nd4j.create(te).mulColumnVector(Nd4j.rand(DataType.DOUBLE, te.length, 1).muli(50).addi(0.1));
        Knn.Result r = Knn.evaluate(train, ytr, test, yte, c, 50, 0.1);
        assertEquals(1.0, r.top1());
        assertEquals(1.0, r.top5());
        assertEquals(200, r.numTrain());
        assertTrue(r.describe().contains("k=50"), r.describe());
        // and a random labelling of the same features is near chance (1/4)
        int[] shuffled = randomLabels(tr.length, c, rnd);
        double chance = Knn.evaluate(train, shuffled, test, yte, c, 50, 0.1).top1();
        assertTrue(chance < 0.5, "shuffled labels gave " + chance);
    }

    /** Class c: the unit vector e_c plus isotropic noise of std 0.15. */
    private static double[] clusterPoint(int c, int d, Random rnd) {
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
            x[j] = 0.15 * rnd.nextGaussian();
        }
        x[c] += 1;
        return x;
    }

    @Test
    void kOneIsTheCosineNearestNeighbour() {
        INDArray train = Nd4j.create(new double[][]{{1, 0}, {0, 1}, {-1, 0.1}});
        INDArray test = Nd4j.create(new double[][]{{10, 1}, {0.2, 3}, {-5, 0}});
        Knn.Result r = Knn.evaluate(train, new int[]{0, 1, 2}, test, new int[]{0, 1, 2}, 3, 1, 0.1);
        assertEquals(1.0, r.top1());
        Knn.Result wrong = Knn.evaluate(train, new int[]{0, 1, 2}, test, new int[]{1, 2, 0}, 3, 1, 0.1);
        assertEquals(0.0, wrong.top1());
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        INDArray train = Nd4j.rand(DataType.FLOAT, 5, 3);
        INDArray test = Nd4j.rand(DataType.FLOAT, 2, 3);
        int[] y = {0, 1, 0, 1, 0};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Knn.evaluate(train, y, test, new int[]{0, 1}, 2, 6, 0.1));
        assertTrue(e.getMessage().contains("[1, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Knn.evaluate(train, new int[]{0, 1, 0, 2, 0}, test, new int[]{0, 1}, 2, 3, 0.1));
        assertTrue(e.getMessage().contains("trainLabels[3] = 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Knn.evaluate(train, y, test, new int[]{0, 1}, 2, 3, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Knn.evaluate(train, y, Nd4j.rand(DataType.FLOAT, 2, 4), new int[]{0, 1}, 2, 3, 0.1));
    }

    /**
     * Real images: a fixed (randomly initialised, untrained) conv encoder already separates airplanes from
     * frogs (sky vs green/brown scenes) well above the 50% chance level.
     */
    @Test
    void fixedEncoderSeparatesTwoVisiblyDifferentCifarClasses() {
        List<String> classes = List.of("airplane", "frog");
        ImageDataset train = TestData.cifar("train", classes, 100);
        ImageDataset test = TestData.cifar("test", classes, 50);
        ComputationGraph enc = TestData.tinyEncoder(32, 32, 3, 32, 42);
        INDArray before = enc.params().dup();
        // k = 20: the bank has only 200 images, k = 200 would let every training image vote
        Knn.Result r = Knn.evaluate(enc, train, test, TestData.CIFAR_MEAN, TestData.CIFAR_STD, 50, 20, 0.1);
        assertEquals(before, enc.params());
        System.out.println("airplane vs frog, random conv encoder: " + r.describe());
        // chance is 0.5 with a binomial std of 0.05 on 100 test images: 0.7 is 4 std above it
        assertTrue(r.top1() > 0.7, r.describe());
    }
}
