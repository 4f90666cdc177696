package io.sslbench.core.nn.bench;

import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.nn.Backbones;
import io.sslbench.core.nn.Encoder;
import io.sslbench.core.runtime.Backend;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Baseline cost of one bare training step of an encoder: forward, backward and an SGD update through
 * {@code ComputationGraph.fit} on {@code [batch, 3, 32, 32]} FLOAT inputs, with a 10-unit identity/MSE head on the
 * pooled features. The training engine's overhead is measured against this.
 *
 * <p>Reports {@code images} (an auxiliary counter) in images per second, and prints the fork's peak resident set
 * size ({@code VmHWM}) at the end of each trial. Run from the repository root after {@code mvn -o -pl core compile}:
 * <pre>
 *   mvn -B -q -o -pl core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 *   java -Xmx2g -Dorg.bytedeco.javacpp.maxbytes=14G -Dorg.bytedeco.javacpp.cachedir=$HOME/.javacpp-sslbench \
 *        -cp core/target/classes:$(cat /tmp/cp.txt) org.openjdk.jmh.Main BackboneBench \
 *        -p backbone=small-cifar -f 1 -wi 1 -i 3
 *   ... -p backbone=resnet18-cifar -f 1 -wi 1 -i 2          (about 18 s per step at batch 256)
 * </pre>
 * The forked JVM inherits the host JVM's flags; {@link Backend#init()} switches the oneDNN helpers on.
 *
 * <p>Measured on the 2-core AMD EPYC build machine (onednn-avx2, helpers on, 2 threads), shared with other jobs
 * (load average 2-5), so iterations varied; best iteration / mean, peak RSS (VmHWM of the fork):
 * small-cifar 256: 167 / 77-119 img/s, 1.9-2.3 GB; small-cifar 64: 316 / 54-195 img/s, 0.7-1.4 GB;
 * resnet18-cifar 256: 14.7 / 12.9 img/s, 4.8 GB; resnet18-cifar 64: 16.9 / 11.9 img/s, 2.6 GB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
public class BackboneBench {
    /** Backbone id ({@link BackboneSpec#parse}). */
    @Param({"small-cifar", "resnet18-cifar"})
    public String backbone;

    /** Images per step. */
    @Param({"256", "64"})
    public int batch;

    private ComputationGraph net;
    private INDArray[] inputs;
    private INDArray[] labels;

    /** Images processed in the current iteration; JMH reports it per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Images {
        /** Counter read by JMH. */
        public long images;

        /** Resets the counter at the start of each iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            images = 0;
        }
    }

    /** Builds the network (seed 1) and a fixed batch (seed 2). */
    @Setup(Level.Trial)
    public void setUp() {
        Backend.init();
        BackboneSpec spec = BackboneSpec.parse(backbone);
        GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(1e-4))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(32, 32, spec.inputChannels()));
        Encoder enc = Backbones.addEncoder(g, "in", spec, "");
        g.addLayer("head", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                .nOut(10).build(), enc.output()).setOutputs("head");
        net = new ComputationGraph(g.build());
        net.init();
        Nd4j.getRandom().setSeed(2);
        inputs = new INDArray[]{Nd4j.randn(DataType.FLOAT, batch, spec.inputChannels(), 32, 32)};
        labels = new INDArray[]{Nd4j.randn(DataType.FLOAT, batch, 10)};
        System.out.println("# backend: " + Backend.describe() + "; helpers active on " + backbone + ": "
                + Backend.helpersActive(net) + "; trainable params " + Backbones.numTrainableParams(net));
    }

    /**
     * One forward + backward + SGD step on the fixed batch.
     *
     * @param counter counts the images
     * @return the step's loss (consumed by JMH)
     */
    @Benchmark
    public double step(Images counter) {
        net.fit(inputs, labels);
        counter.images += batch;
        return net.score();
    }

    /** Prints the peak resident set size of this JVM. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM")) {
                System.out.println("# " + backbone + " batch " + batch + " peak RSS " + line.replaceAll("\\s+", " "));
            }
        }
    }
}
