package io.sslbench.eval.bench;

import io.sslbench.eval.protocol.Knn;
import io.sslbench.eval.protocol.LinearProbe;
import io.sslbench.eval.protocol.LinearProbeConfig;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One-shot cost of the frozen-feature protocols at CIFAR scale: kNN (k=200, T=0.1) with a 50k x 512 bank and
 * 10k queries, and the L-BFGS linear probe on the same features. Features are synthetic: 10 class centres (N(0, 0.06^2) per coordinate, so the classes overlap) plus unit
 * Gaussian noise (timings of kNN do not depend on the values; the probe's iteration count does, a little).
 *
 * <p>Run: {@code bench/jmh.sh eval EvalProtocolBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-Dorg.bytedeco.javacpp.maxbytes=8G",
        "-Dorg.bytedeco.javacpp.maxphysicalbytes=12G", "-Dorg.eclipse.deeplearning4j.helpers.disable=false"})
public class EvalProtocolBench {
    @Param("50000")
    public int numTrain;
    @Param("10000")
    public int numTest;
    @Param("512")
    public int dim;

    private INDArray train;
    private INDArray test;
    private int[] trainLabels;
    private int[] testLabels;

    @Setup
    public void setup() {
        Nd4j.getRandom().setSeed(0);
        Random rnd = new Random(0);
        INDArray centres = Nd4j.randn(DataType.FLOAT, 10, dim).muli(0.06);
        trainLabels = rnd.ints(numTrain, 0, 10).toArray();
        testLabels = rnd.ints(numTest, 0, 10).toArray();
        train = Nd4j.randn(DataType.FLOAT, numTrain, dim).addi(centres.getRows(trainLabels));
        test = Nd4j.randn(DataType.FLOAT, numTest, dim).addi(centres.getRows(testLabels));
    }

    @Benchmark
    public Knn.Result knn() {
        Knn.Result r = Knn.evaluate(train, trainLabels, test, testLabels, 10);
        System.out.println(r.describe());
        return r;
    }

    @Benchmark
    public LinearProbe.Result linearProbe() {
        LinearProbe.Result r = LinearProbe.evaluate(train, trainLabels, test, testLabels, 10, LinearProbeConfig.defaults());
        System.out.println(r.describe());
        return r;
    }
}
