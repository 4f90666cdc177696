package io.sslbench.moco.bench;

import io.sslbench.core.engine.FeatureQueue;
import io.sslbench.core.loss.LossResult;
import io.sslbench.moco.InfoNceLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * MoCo InfoNCE value + query gradient (N = 256 queries, D = 128, K = 4096 negatives by default),
 * next to the floor set by its forward [N, D] x [D, K] gemm, and the queue's snapshot + enqueue.
 *
 * <p>Sample-time mode: on a shared machine the minimum and median per call say more than a mean
 * that scheduler stalls dominate. ND4J's own threads follow {@code OMP_NUM_THREADS}.
 *
 * <p>Run: {@code bench/jmh.sh moco InfoNceBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InfoNceBench {
    /** Queries per batch N. */
    @Param({"256"})
    public int n;
    /** Embedding dimension D. */
    @Param({"128"})
    public int d;
    /** Queue size K. */
    @Param({"4096"})
    public int k;
    /** Data type of the embeddings. */
    @Param({"FLOAT"})
    public String type;
    /** Temperature. */
    @Param({"0.2"})
    public double tau;

    private INDArray q;
    private INDArray keys;
    private FeatureQueue queue;
    private INDArray negatives;

    @Setup
    public void setup() {
        DataType t = DataType.valueOf(type);
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(12345);
        q = Nd4j.randn(0, 1, Nd4j.create(t, n, d), rng);
        keys = Nd4j.randn(0, 1, Nd4j.create(t, n, d), rng);
        queue = FeatureQueue.random(k, d, t, 6789);
        negatives = queue.snapshot();
    }

    /** @return loss and dL/dq against a fixed queue */
    @Benchmark
    public LossResult lossAndGradient() {
        return InfoNceLoss.compute(q, keys, negatives, tau);
    }

    /** @return the l_neg gemm alone: the floor for any InfoNCE implementation */
    @Benchmark
    public INDArray negativeLogitsGemmOnly() {
        return Nd4j.gemm(q, negatives, false, true);
    }

    /** @return a MoCo step's queue traffic: snapshot the negatives, then enqueue the keys */
    @Benchmark
    public INDArray snapshotAndEnqueue() {
        INDArray snap = queue.snapshot();
        queue.enqueue(keys);
        return snap;
    }
}
