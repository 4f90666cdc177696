package io.sslbench.simclr.bench;

import io.sslbench.core.loss.LossResult;
import io.sslbench.simclr.NtXentLoss;
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
 * NT-Xent value + gradient at SimCLR-like sizes (2N = 512 rows of D = 128 by default), with and
 * without a memory of K negatives, next to the floor set by its one unavoidable [2N, D] x [D, 2N] gemm.
 *
 * <p>Sample-time mode: on a shared machine the minimum and median per call say more than a mean
 * that scheduler stalls dominate. ND4J's own threads follow {@code OMP_NUM_THREADS}.
 *
 * <p>Run: {@code bench/jmh.sh simclr NtXentBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NtXentBench {
    /** Images per batch N (the loss sees 2N rows). */
    @Param({"256"})
    public int n;
    /** Embedding dimension D. */
    @Param({"128"})
    public int d;
    /** Data type of the embeddings. */
    @Param({"FLOAT"})
    public String type;
    /** Temperature. */
    @Param({"0.5"})
    public double tau;
    /** Memory size K of {@link #lossAndGradientWithMemory} (SimCLR v2's queue; the CIFAR config's 4096). */
    @Param({"4096"})
    public int k;

    private INDArray z;
    private INDArray memory;

    @Setup
    public void setup() {
        DataType t = DataType.valueOf(type);
        z = Nd4j.randn(0, 1, Nd4j.create(t, 2L * n, d), Nd4j.getRandomFactory().getNewRandomInstance(12345));
        memory = Nd4j.randn(0, 1, Nd4j.create(t, k, d), Nd4j.getRandomFactory().getNewRandomInstance(54321));
        memory.diviColumnVector(memory.norm2(1)); // unit rows, as a FeatureQueue holds them
    }

    /** @return loss and dL/dz (returned so the JIT keeps the work) */
    @Benchmark
    public LossResult lossAndGradient() {
        return NtXentLoss.compute(z, tau);
    }

    /** @return loss and dL/dz with K memory negatives ({@link NtXentLoss#withMemory}) */
    @Benchmark
    public LossResult lossAndGradientWithMemory() {
        return NtXentLoss.withMemory(z, memory, tau);
    }

    /** @return the similarity gemm alone: the floor for any NT-Xent implementation */
    @Benchmark
    public INDArray similarityGemmOnly() {
        return Nd4j.gemm(z, z, false, true);
    }
}
