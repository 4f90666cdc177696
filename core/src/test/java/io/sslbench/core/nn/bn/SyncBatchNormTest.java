package io.sslbench.core.nn.bn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.sslbench.core.nn.bn.BnFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/** SyncBN: workers on threads, each with part of the batch, all-reduce through {@link InMemoryCollective}. */
class SyncBatchNormTest {
    private static final double EPS = 1e-5;

    /** What one worker computed: output, dL/dx, dL/dgamma, dL/dbeta, running mean, running var. */
    private record WorkerResult(INDArray y, INDArray dx, INDArray dGamma, INDArray dBeta, INDArray rMean, INDArray rVar) {}

    private static WorkerResult runLayer(Layer l, INDArray x, INDArray dy) {
        INDArray y = forward(l, x, true);
        Pair<Gradient, INDArray> g = backward(l, dy);
        return new WorkerResult(y, g.getSecond(), g.getFirst().getGradientFor("gamma").dup(),
                g.getFirst().getGradientFor("beta").dup(), l.getParam("rmean").dup(), l.getParam("rvar").dup());
    }

    /** Runs {@code world} workers concurrently; worker k gets {@code xs[k], dys[k]}. */
    private static List<WorkerResult> runWorkers(int world, int groups, long c, INDArray gamma, INDArray beta,
                                                 INDArray[] xs, INDArray[] dys) throws Exception {
        InMemoryCollective coll = new InMemoryCollective(world);
        ExecutorService pool = Executors.newFixedThreadPool(world);
        try {
            List<Future<WorkerResult>> fs = new ArrayList<>();
            for (int k = 0; k < world; k++) {
                int rank = k;
                fs.add(pool.submit(() -> {
                    Layer l = split(c, groups, EPS);
                    setAffine(l, gamma, beta);
                    ((SplitBatchNormalizationLayer) l).setCollective(coll.worker(rank));
                    return runLayer(l, xs[rank], dys[rank]);
                }));
            }
            List<WorkerResult> out = new ArrayList<>();
            for (Future<WorkerResult> f : fs) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void syncBnOverWorkersEqualsFullBatchBn() throws Exception {
        Nd4j.getRandom().setSeed(31);
        for (Object[] cse : new Object[][]{{new long[]{8, 3, 4, 4}, 2}, {new long[]{6, 5}, 2}, {new long[]{9, 4}, 3}}) {
            long[] shape = (long[]) cse[0];
            int world = (int) cse[1];
            long c = shape[1], per = shape[0] / world;
            INDArray gamma = Nd4j.rand(DataType.DOUBLE, c).addi(0.5), beta = Nd4j.randn(DataType.DOUBLE, c);
            INDArray x = Nd4j.randn(DataType.DOUBLE, shape).muli(2).addi(1);
            INDArray dy = Nd4j.randn(DataType.DOUBLE, shape);
            // make the workers' halves differ in distribution, so local BN would be visibly wrong
            rowsView(x, 0, per).addi(3.0);

            Layer full = split(c, 1, EPS);
            setAffine(full, gamma, beta);
            WorkerResult ref = runLayer(full, x, dy);

            INDArray[] xs = new INDArray[world], dys = new INDArray[world];
            for (int k = 0; k < world; k++) {
                xs[k] = rows(x, k * per, (k + 1) * per);
                dys[k] = rows(dy, k * per, (k + 1) * per);
            }
            List<WorkerResult> ws = runWorkers(world, 1, c, gamma, beta, xs, dys);
            String what = java.util.Arrays.toString(shape) + " over " + world + " workers";
            INDArray dGammaSum = Nd4j.zeros(DataType.DOUBLE, c), dBetaSum = Nd4j.zeros(DataType.DOUBLE, c);
            for (int k = 0; k < world; k++) {
                WorkerResult w = ws.get(k);
                assertTrue(relDiff(w.y(), rows(ref.y(), k * per, (k + 1) * per)) < 1e-12, what + ": output of worker " + k);
                assertTrue(relDiff(w.dx(), rows(ref.dx(), k * per, (k + 1) * per)) < 1e-10, what + ": dL/dx of worker " + k);
                assertTrue(relDiff(w.rMean(), ref.rMean()) < 1e-12, what + ": running mean of worker " + k);
                assertTrue(relDiff(w.rVar(), ref.rVar()) < 1e-12, what + ": running var of worker " + k);
                dGammaSum.addi(w.dGamma());
                dBetaSum.addi(w.dBeta());
            }
            // parameter gradients stay local; their sum over workers (what DDP all-reduces) is the full-batch one
            assertTrue(relDiff(dGammaSum, ref.dGamma()) < 1e-10, what + ": sum of dL/dgamma");
            assertTrue(relDiff(dBetaSum, ref.dBeta()) < 1e-10, what + ": sum of dL/dbeta");

            // sanity: without the collective each worker normalises with its own statistics, which differs
            Layer local = split(c, 1, EPS);
            setAffine(local, gamma, beta);
            assertTrue(relDiff(forward(local, xs[0], true), rows(ref.y(), 0, per)) > 1e-2, what + ": local BN equals SyncBN");
        }
    }

    @Test
    void perViewSyncBnEqualsPerViewFullBatchBn() throws Exception {
        // full batch [view1 (4 rows); view2 (4 rows)] with groups=2; worker k holds [view1 rows of k; view2 rows of k]
        Nd4j.getRandom().setSeed(32);
        long c = 3, perView = 4, half = perView / 2;
        long[] shape = {2 * perView, c, 3, 3};
        INDArray gamma = Nd4j.rand(DataType.DOUBLE, c).addi(0.5), beta = Nd4j.randn(DataType.DOUBLE, c);
        INDArray x = Nd4j.randn(DataType.DOUBLE, shape);
        rowsView(x, perView, 2 * perView).muli(3).addi(-2);   // view 2 has other statistics
        INDArray dy = Nd4j.randn(DataType.DOUBLE, shape);

        Layer full = split(c, 2, EPS);
        setAffine(full, gamma, beta);
        WorkerResult ref = runLayer(full, x, dy);

        INDArray[] xs = new INDArray[2], dys = new INDArray[2];
        for (int k = 0; k < 2; k++) {
            xs[k] = Nd4j.concat(0, rows(x, k * half, (k + 1) * half), rows(x, perView + k * half, perView + (k + 1) * half));
            dys[k] = Nd4j.concat(0, rows(dy, k * half, (k + 1) * half), rows(dy, perView + k * half, perView + (k + 1) * half));
        }
        List<WorkerResult> ws = runWorkers(2, 2, c, gamma, beta, xs, dys);
        for (int k = 0; k < 2; k++) {
            INDArray wantY = Nd4j.concat(0, rows(ref.y(), k * half, (k + 1) * half),
                    rows(ref.y(), perView + k * half, perView + (k + 1) * half));
            INDArray wantDx = Nd4j.concat(0, rows(ref.dx(), k * half, (k + 1) * half),
                    rows(ref.dx(), perView + k * half, perView + (k + 1) * half));
            assertTrue(relDiff(ws.get(k).y(), wantY) < 1e-12, "output of worker " + k);
            assertTrue(relDiff(ws.get(k).dx(), wantDx) < 1e-10, "dL/dx of worker " + k);
            assertTrue(relDiff(ws.get(k).rVar(), ref.rVar()) < 1e-12, "running var of worker " + k);
        }
    }

    @Test
    void collectivesSumAndGatherInRankOrder() throws Exception {
        INDArray a = Nd4j.createFromArray(new double[][]{{1, 2}});
        assertEquals(1, LocalCollective.INSTANCE.worldSize());
        assertEquals(a, LocalCollective.INSTANCE.allReduceSum(a));
        assertEquals(a, LocalCollective.INSTANCE.allGather(a));
        assertNotSame(a, LocalCollective.INSTANCE.allGather(a));

        InMemoryCollective coll = new InMemoryCollective(3);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<INDArray[]>> fs = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                Collective ck = coll.worker(k);
                INDArray mine = Nd4j.createFromArray(new double[][]{{k, 10.0 * k}});
                fs.add(pool.submit(() -> new INDArray[]{ck.allReduceSum(mine), ck.allGather(mine)}));
            }
            for (Future<INDArray[]> f : fs) {
                INDArray[] r = f.get(30, TimeUnit.SECONDS);
                assertEquals(Nd4j.createFromArray(new double[][]{{3, 30}}), r[0]);
                assertEquals(Nd4j.createFromArray(new double[][]{{0, 0}, {1, 10}, {2, 20}}), r[1]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static INDArray rowsView(INDArray x, long from, long to) {
        org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[x.rank()];
        idx[0] = org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to);
        for (int d = 1; d < x.rank(); d++) {
            idx[d] = org.nd4j.linalg.indexing.NDArrayIndex.all();
        }
        return x.get(idx);
    }
}
