package io.sslbench.core.engine;

import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.nn.Backbones;
import io.sslbench.core.nn.Encoder;
import io.sslbench.core.nn.ZeroInitResidual;
import io.sslbench.core.nn.fast.FastBatchNormalization;
import io.sslbench.core.runtime.Backend;
import io.sslbench.core.util.Randoms;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * Builds the online network of a method: input "in" -> encoder -> heads -> in-graph {@link ExternalLoss}
 * (output "loss"), plus a {@link FeatureTap} output ("tap") on the encoder features.
 */
public final class OnlineNetwork {
    private OnlineNetwork() {}

    /** Adds an encoder to a graph; returns its pooled-feature vertex and width. */
    @FunctionalInterface
    public interface EncoderFactory {
        Encoder add(GraphBuilder g, String input);

        /** The harness's ResNet backbones, vertices prefixed "enc_", every BN gamma starting at 1. */
        static EncoderFactory of(BackboneSpec spec) {
            return of(spec, ZeroInitResidual.NONE);
        }

        /**
         * The harness's ResNet backbones, vertices prefixed "enc_", with a method's choice of zero-initialised
         * residual BNs ({@link SslMethod#zeroInitResidual()}).
         */
        static EncoderFactory of(BackboneSpec spec, ZeroInitResidual zeroInit) {
            return (g, in) -> Backbones.addEncoder(g, in, spec, "enc_", zeroInit);
        }
    }

    /** The built network and the names the engine needs. */
    public record Built(ComputationGraph graph, String featuresVertex, int featureDim, String headVertex) {
        public ExternalLoss loss() {
            return (ExternalLoss) ((LossLayer) ((org.deeplearning4j.nn.layers.LossLayer) graph.getLayer("loss"))
                    .conf().getLayer()).getLossFn();
        }

        public FeatureTap tap() {
            return (FeatureTap) ((LossLayer) ((org.deeplearning4j.nn.layers.LossLayer) graph.getLayer("tap"))
                    .conf().getLayer()).getLossFn();
        }
    }

    /**
     * @param encoder   adds the backbone
     * @param method    adds the heads
     * @param channels  input channels
     * @param imageSize input height/width used for shape inference (the graph accepts other sizes)
     * @param seed      weight-initialisation seed
     * @param dataType  FLOAT for training, DOUBLE for gradient checks
     */
    public static Built build(EncoderFactory encoder, SslMethod method, int channels, int imageSize, long seed,
                              DataType dataType) {
        Backend.init();
        GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(Randoms.nd4jSeed(seed))
                .dataType(dataType)
                .updater(new NoOp()) // the engine's Optimizer applies updates
                .trainingWorkspaceMode(dataType == DataType.DOUBLE ? WorkspaceMode.NONE : WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(dataType == DataType.DOUBLE ? WorkspaceMode.NONE : WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(imageSize, imageSize, channels));
        Encoder enc = encoder.add(g, "in");
        String head = method.addHeads(g, enc.output(), enc.featureDim());
        g.addLayer("loss", new LossLayer.Builder().lossFunction(new ExternalLoss()).activation(Activation.IDENTITY)
                .build(), head);
        g.addLayer("tap", new LossLayer.Builder().lossFunction(new FeatureTap()).activation(Activation.IDENTITY)
                .build(), enc.output());
        g.setOutputs("loss", "tap");
        ComputationGraphConfiguration conf = g.build();
        SslMethod.BnLayout bn = method.bnLayout();
        if (bn.blocks() > 1) {
            FastBatchNormalization.applyGroups(conf, bn.groups(), bn.blocks());
        }
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return new Built(graph, enc.output(), enc.featureDim(), head);
    }
}
