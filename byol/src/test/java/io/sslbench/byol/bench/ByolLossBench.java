package io.sslbench.byol.bench;

import io.sslbench.byol.ByolLoss;
import io.sslbench.core.loss.LossResult;
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
 * Loss + gradient of {@link ByolLoss} on FLOAT inputs, B samples per view (2B rows), dimension D.
 * Run: {@code bench/jmh.sh byol ByolLossBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ByolLossBench {
    @Param({"256"})
    public int batch;
    @Param({"128", "256"})
    public int dim;

    private INDArray p;
    private INDArray z;

    @Setup
    public void setup() {
        Nd4j.getRandom().setSeed(42);
        p = Nd4j.randn(DataType.FLOAT, 2L * batch, dim);
        z = Nd4j.randn(DataType.FLOAT, 2L * batch, dim);
    }

    @Benchmark
    public LossResult lossAndGradient() {
        return ByolLoss.compute(p, z);
    }
}
