package io.sslbench.core.nn.bench;

import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.nn.Backbones;
import io.sslbench.core.nn.Encoder;
import io.sslbench.core.nn.fast.ConvKernels;
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

import java.util.Arrays;
import java.util.Locale;

/**
 * One encoder training step ({@code ComputationGraph.fit}, as {@link BackboneBench}) with the convolution backward
 * policy {@code onednn} (oneDNN's {@code conv2d_bp} everywhere but the stem) and {@code java} (the Java kernels of
 * {@link ConvKernels} wherever they apply), alternating step by step in one process (A B, B A, A B, ...), so that
 * the load of other jobs on the machine hits both alike. Prints the median step time of each and the median over
 * pairs of two policies (default dnnl / onednn). Usage (classpath as for {@link BackboneBench}):
 * <pre>
 *   java -Dorg.eclipse.deeplearning4j.helpers.disable=false -cp core/target/classes:$(cat /tmp/cp.txt) \
 *        io.sslbench.core.nn.bench.ConvPolicyStepBench small-cifar 128 20
 * </pre>
 * (backbone, rows per step, e.g. 128 = SimCLR's two views of 64 images, measured pairs, warm-up pairs (default 3)).
 */
public final class ConvPolicyStepBench {
    private ConvPolicyStepBench() {}

    public static void main(String[] args) {
        Backend.init();
        String backbone = args.length > 0 ? args[0] : "small-cifar";
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        BackboneSpec spec = BackboneSpec.parse(backbone);
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new Sgd(1e-4))
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(32, 32, spec.inputChannels()));
        Encoder enc = Backbones.addEncoder(g, "in", spec, "");
        g.addLayer("head", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                .nOut(10).build(), enc.output()).setOutputs("head");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        Nd4j.getRandom().setSeed(2);
        INDArray[] in = {Nd4j.randn(DataType.FLOAT, rows, spec.inputChannels(), 32, 32)};
        INDArray[] labels = {Nd4j.randn(DataType.FLOAT, rows, 10)};
        System.out.println("# " + Backend.describe() + "; " + backbone + ", " + rows + " rows per step");
        // 5th argument: two policies "a,b" (default dnnl,onednn), or "gemm": the onednn policy, alternating the stem's
        // product between OpenBLAS (chunked) and ND4J
        boolean gemm = args.length > 4 && args[4].equals("gemm");
        String before = ConvKernels.policy();
        String[] policies = gemm ? new String[]{"nd4jgemm", "cblas"}
                : (args.length > 4 ? args[4] : "dnnl,onednn").split(",");
        double[][] ms = new double[2][pairs];
        double[] ratio = new double[pairs];
        for (int pair = -warmup; pair < pairs; pair++) {
            double[] t = new double[2];
            for (int j = 0; j < 2; j++) {
                int which = (pair & 1) == 0 ? j : 1 - j; // alternate the order
                if (gemm) {
                    ConvKernels.setPolicy("onednn");
                    ConvKernels.setNd4jGemm(which == 0 ? Boolean.TRUE : Boolean.FALSE);
                } else {
                    ConvKernels.setPolicy(policies[which]);
                }
                long t0 = System.nanoTime();
                net.fit(in, labels);
                t[which] = (System.nanoTime() - t0) / 1e6;
            }
            if (pair >= 0) {
                ms[0][pair] = t[0];
                ms[1][pair] = t[1];
                ratio[pair] = t[0] / t[1];
                System.out.printf(Locale.ROOT, "pair %d: %s %.1f ms, %s %.1f ms%n", pair, policies[0], t[0], policies[1], t[1]);
            }
        }
        ConvKernels.setPolicy(before);
        ConvKernels.setNd4jGemm(null);
        System.out.printf(Locale.ROOT, "%s %d rows: median step %s %.1f ms, %s %.1f ms; median ratio %.2f "
                + "(pairs %d, ratios %.2f..%.2f)%n", backbone, rows, policies[0], median(ms[0]), policies[1], median(ms[1]),
                median(ratio), pairs,
                Arrays.stream(ratio).min().orElse(0), Arrays.stream(ratio).max().orElse(0));
    }

    private static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
