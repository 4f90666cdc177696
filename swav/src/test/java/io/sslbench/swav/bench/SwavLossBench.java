package io.sslbench.swav.bench;

import io.sslbench.core.loss.Cosine;
import io.sslbench.core.loss.LossResult;
import io.sslbench.swav.SinkhornKnopp;
import io.sslbench.swav.SwavLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
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
 * {@link SwavLoss} (Sinkhorn codes for crops 0 and 1 + swapped prediction + gradient) and
 * {@link SinkhornKnopp} alone, on FLOAT scores of unit features against unit prototypes:
 * B samples per crop, K prototypes, 2 crops or 2+4 multi-crop.
 * Run: {@code bench/jmh.sh swav SwavLossBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SwavLossBench {
    @Param({"256"})
    public int batch;
    @Param({"3000"})
    public int prototypes;
    @Param({"2", "6"})
    public int crops;

    private INDArray scores;
    private INDArray firstCrop;
    private SwavLoss.Config config;

    @Setup
    public void setup() {
        Nd4j.getRandom().setSeed(42);
        INDArray features = Cosine.normalizeRows(Nd4j.randn(DataType.FLOAT, (long) crops * batch, 128));
        INDArray protos = Cosine.normalizeRows(Nd4j.randn(DataType.FLOAT, prototypes, 128));
        scores = features.mmul(protos.transpose());
        firstCrop = scores.get(NDArrayIndex.interval(0, batch), NDArrayIndex.all()).dup();
        config = SwavLoss.Config.paper(crops);
    }

    @Benchmark
    public LossResult lossAndGradient() {
        return SwavLoss.compute(scores, batch, config, null);
    }

    @Benchmark
    public INDArray sinkhornOneCrop() {
        return SinkhornKnopp.codes(firstCrop, config.epsilon(), config.iterations());
    }
}
