package io.sslbench.core.nn.bn.bench;

import io.sslbench.core.nn.bn.SplitBatchNormalization;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

/**
 * Training-mode forward + backward of one batch-normalisation layer on a {@code [256, 64, 16, 16]}
 * FLOAT activation (a CIFAR ResNet stage-1 tensor at batch 256): {@link SplitBatchNormalization}
 * with {@code groups} 1 and 2 against DL4J's {@link BatchNormalization} with its oneDNN helper
 * (as this project runs it) and with the helper removed (DL4J's generic ND4J code).
 *
 * <p>Run: {@code bench/jmh.sh core BatchNormBenchmark}.
 * Every invocation reads the same input and epsilon (never modified) and returns dL/dx.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dorg.eclipse.deeplearning4j.helpers.disable=false",
        "-Dorg.bytedeco.javacpp.maxbytes=6G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=8G"})
public class BatchNormBenchmark {

    /** Which layer: split-g1, split-g2 (ours), dl4j-onednn (built-in with helper), dl4j-generic (helper off). */
    @Param({"split-g1", "split-g2", "dl4j-onednn", "dl4j-generic"})
    public String impl;

    @Param({"256,64,16,16"})
    public String shape;

    private Layer layer;
    private INDArray x;
    private INDArray dy;
    private final LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();

    @Setup(Level.Trial)
    public void setup() throws ReflectiveOperationException {
        String[] parts = shape.split(",");
        long[] s = new long[parts.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Long.parseLong(parts[i].trim());
        }
        long c = s[1];
        org.deeplearning4j.nn.conf.layers.Layer conf = switch (impl) {
            case "split-g1" -> new SplitBatchNormalization.Builder().channels(c).groups(1).build();
            case "split-g2" -> new SplitBatchNormalization.Builder().channels(c).groups(2).build();
            case "dl4j-onednn", "dl4j-generic" -> new BatchNormalization.Builder().nIn(c).nOut(c).build();
            default -> throw new IllegalArgumentException("impl " + impl);
        };
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new NoOp()).layer(conf).build();
        long np = nnc.getLayer().initializer().numParams(nnc);
        layer = nnc.getLayer().instantiate(nnc, null, 0, Nd4j.create(DataType.FLOAT, 1, np), true, DataType.FLOAT);
        layer.setBackpropGradientsViewArray(Nd4j.create(DataType.FLOAT, 1, np));
        if (impl.equals("dl4j-generic")) {
            Field f = org.deeplearning4j.nn.layers.normalization.BatchNormalization.class.getDeclaredField("helper");
            f.setAccessible(true);
            f.set(layer, null);
        }
        if (impl.equals("dl4j-onednn") && layer.getHelper() == null) {
            throw new IllegalStateException("DL4J's oneDNN BatchNormalization helper is not active: run with "
                    + "-Dorg.eclipse.deeplearning4j.helpers.disable=false and the onednn nd4j-native classifier");
        }
        Nd4j.getRandom().setSeed(1);
        x = Nd4j.randn(DataType.FLOAT, s).muli(2).addi(0.5);
        dy = Nd4j.randn(DataType.FLOAT, s);
        System.out.println("# " + impl + " helper=" + (layer.getHelper() == null ? "none" : layer.getHelper().getClass().getSimpleName()));
    }

    /** Training forward only (ShuffleBN's key encoder); returns the output. */
    @Benchmark
    public INDArray forwardTrain() {
        layer.setInput(x, ws);
        return layer.activate(true, ws);
    }

    /** Training forward then backward; returns dL/dx. */
    @Benchmark
    public INDArray forwardBackward() {
        layer.setInput(x, ws);
        layer.activate(true, ws);
        return layer.backpropGradient(dy, ws).getSecond();
    }
}
